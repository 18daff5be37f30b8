/**
 * The storage seam: what the rest of the server knows of the database. Routes, services, policies,
 * delivery and the CLI talk to a `Storage` and never to a connection, a table or a dialect; the
 * embedded SQLite store (`sqlite/`) and the PostgreSQL store (`postgres/`) implement it side by side.
 *
 * Reads go through the repositories directly. Writes go through `transaction`: `work` gets the
 * repositories of one transaction, everything it writes commits together, durably, before the
 * promise resolves, or nothing does (a thrown error rolls it back). `work` must await only the
 * repositories it is given (no network, no password hashing): the SQLite store runs transactions
 * one after another in its group commit, and a slow `work` holds the others.
 */
import type { AuditRepository } from "./audit-repository.ts";
import type { CaseAccessRepository } from "./case-access-repository.ts";
import type { CaseRepository, StoreLifecycle } from "./case-store.ts";
import type { DeliveryRepository } from "./delivery-repository.ts";
import type { DirectoryRepository } from "./directory-repository.ts";
import type { GrantRepository } from "./grant-repository.ts";
import type { LoginThrottleRepository } from "./login-throttle-repository.ts";
import type { RetentionRepository } from "./retention-repository.ts";
import type { StatsRepository } from "./stats-repository.ts";
import type { TaskRepository } from "./task-repository.ts";

/**
 * The repositories of every area (each in its own `<area>-repository.ts`). Outside a transaction
 * their writes are refused: reads only.
 */
export interface Repositories {
  readonly cases: CaseRepository;
  readonly retention: RetentionRepository;
  delivery: DeliveryRepository;
  tasks: TaskRepository;
  stats: StatsRepository;
  readonly directory: DirectoryRepository;
  readonly loginThrottle: LoginThrottleRepository;
  readonly caseAccess: CaseAccessRepository;
  readonly grants: GrantRepository;
  readonly audit: AuditRepository;
}

export interface TransactionOptions {
  /**
   * `work` writes only rows of one case — a new case, or a case under compare-and-swap on its
   * revision — or none, and appends to the audit chain; it reads nothing that another write could
   * change. Events, case openings and the audit entries of reads are.
   * A store may then run it at the same time as other independent work of the same batch
   * (PostgreSQL does: `postgres/group-commit.ts`). Never for work that reads what it then writes.
   */
  independent?: boolean;
  /**
   * `work` does nothing but append to the audit chain (the entries of reads). A store may then
   * commit a batch of such work without a transaction of its own (PostgreSQL does:
   * `postgres/appends-alone.ts`). Implies `independent`.
   */
  appendOnly?: boolean;
  /**
   * `work` appends nothing to the audit chain (reminder and notice delivery's claims and records).
   * A store may then run it in a transaction of its own, outside the chain's lock (PostgreSQL does:
   * `postgres/no-audit-entry.ts`): its reads, however slow (a page read from disk), then hold up
   * only itself, not every audited write and read of every instance, which queue behind that lock.
   * An append from such work fails it. The SQLite store runs it like any other.
   */
  noAuditEntry?: boolean;
}

export interface Storage extends StoreLifecycle, Repositories {
  readonly dialect: "sqlite" | "postgres";
  /** Runs `work` in one durable transaction (see the module comment). */
  transaction<T>(work: (tx: Repositories) => T | Promise<T>, options?: TransactionOptions): Promise<T>;
}
