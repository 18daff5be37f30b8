/**
 * Every area's SQLite repository, bound to one connection: the store makes one set on its read-only
 * connection (reads outside a transaction) and one on its writer connection (what `transaction`
 * gives its work). Each area adds its repository here and to `Repositories`.
 */
import type Database from "better-sqlite3";
import type { PersonalDataCodec } from "../../crypto/personal-data-codec.ts";
import type { Repositories } from "../storage.ts";
import { SqliteAuditRepository } from "./audit-repository.ts";
import { SqliteCaseAccessRepository } from "./case-access-repository.ts";
import { SqliteCaseRepository } from "./case-repository.ts";
import { SqliteDeliveryRepository } from "./delivery-repository.ts";
import { SqliteDirectoryRepository } from "./directory-repository.ts";
import { SqliteGrantRepository } from "./grant-repository.ts";
import { SqliteLoginThrottleRepository } from "./login-throttle-repository.ts";
import { SqliteRetentionRepository } from "./retention-repository.ts";
import { SqliteStatsRepository } from "./stats-repository.ts";
import { SqliteTaskRepository } from "./task-repository.ts";

/** What repositories may need besides their connection. */
export interface RepositoryDependencies {
  codec: PersonalDataCodec;
  /** The audit chain's key (HMAC); undefined without protections. */
  auditKey: Buffer | undefined;
}

export class SqliteRepositories implements Repositories {
  readonly cases: SqliteCaseRepository;
  readonly retention: SqliteRetentionRepository;
  readonly delivery: SqliteDeliveryRepository;
  readonly tasks: SqliteTaskRepository;
  readonly stats: SqliteStatsRepository;
  readonly directory: SqliteDirectoryRepository;
  readonly loginThrottle: SqliteLoginThrottleRepository;
  readonly caseAccess: SqliteCaseAccessRepository;
  readonly grants: SqliteGrantRepository;
  readonly audit: SqliteAuditRepository;

  constructor(
    readonly connection: Database.Database,
    readonly dependencies: RepositoryDependencies,
  ) {
    this.cases = new SqliteCaseRepository(connection, dependencies.codec);
    this.retention = new SqliteRetentionRepository(connection, dependencies.codec);
    this.delivery = new SqliteDeliveryRepository(connection);
    this.tasks = new SqliteTaskRepository(connection, dependencies.codec);
    this.stats = new SqliteStatsRepository(connection);
    this.directory = new SqliteDirectoryRepository(connection);
    this.loginThrottle = new SqliteLoginThrottleRepository(connection);
    this.caseAccess = new SqliteCaseAccessRepository(connection);
    this.grants = new SqliteGrantRepository(connection);
    this.audit = new SqliteAuditRepository(connection, dependencies.auditKey);
  }
}
