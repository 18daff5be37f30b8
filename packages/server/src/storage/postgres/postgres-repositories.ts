/**
 * Every area's PostgreSQL repository, bound to one handle: the pool (reads outside a transaction;
 * writes are refused) or one transaction (what `transaction` gives its work). Each area adds its
 * repository here and to `Repositories`.
 */
import type { Keyring } from "../../crypto/keyring.ts";
import type { Repositories } from "../storage.ts";
import { PostgresAuditRepository } from "./audit-repository.ts";
import { PostgresCaseAccessRepository } from "./case-access-repository.ts";
import { PostgresCaseRepository } from "./case-repository.ts";
import type { CaseSwaps } from "./case-swaps.ts";
import { PostgresDeliveryRepository } from "./delivery-repository.ts";
import { PostgresDirectoryRepository } from "./directory-repository.ts";
import { PostgresGrantRepository } from "./grant-repository.ts";
import type { HeldChain } from "./held-chain.ts";
import { PostgresLoginThrottleRepository } from "./login-throttle-repository.ts";
import type { PgDb, PgTx } from "./open.ts";
import { PostgresRetentionRepository } from "./retention-repository.ts";
import { PostgresStatsRepository } from "./stats-repository.ts";
import { PostgresTaskRepository } from "./task-repository.ts";

/** What repositories may need besides their handle. */
export interface PostgresRepositoryDependencies {
  /** The data keys; undefined only without protections (personal values stored plain). */
  keyring: Keyring | undefined;
  /** The audit chain's key; undefined only without protections. */
  auditKey?: Buffer | undefined;
}

export class PostgresRepositories implements Repositories {
  readonly cases: PostgresCaseRepository;
  readonly delivery: PostgresDeliveryRepository;
  readonly tasks: PostgresTaskRepository;
  readonly stats: PostgresStatsRepository;
  readonly directory: PostgresDirectoryRepository;
  readonly loginThrottle: PostgresLoginThrottleRepository;
  readonly audit: PostgresAuditRepository;
  readonly caseAccess: PostgresCaseAccessRepository;
  readonly grants: PostgresGrantRepository;
  readonly retention: PostgresRetentionRepository;

  /**
   * `held`: the chain's head kept by the group commit's batch this transaction belongs to;
   * `swaps`: that batch's events that run together, swapped in one statement.
   */
  constructor(
    db: PgDb | PgTx,
    inTransaction: boolean,
    dependencies: PostgresRepositoryDependencies,
    held?: HeldChain,
    swaps?: CaseSwaps,
  ) {
    this.cases = new PostgresCaseRepository(db, inTransaction, dependencies.keyring, swaps);
    this.delivery = new PostgresDeliveryRepository(db, inTransaction);
    this.tasks = new PostgresTaskRepository(db, dependencies.keyring);
    this.stats = new PostgresStatsRepository(db);
    this.directory = new PostgresDirectoryRepository(db, inTransaction);
    this.loginThrottle = new PostgresLoginThrottleRepository(db, inTransaction);
    this.audit = new PostgresAuditRepository(db, inTransaction, dependencies.auditKey, held);
    this.caseAccess = new PostgresCaseAccessRepository(db, inTransaction);
    this.grants = new PostgresGrantRepository(db);
    this.retention = new PostgresRetentionRepository(db, dependencies.keyring);
  }
}
