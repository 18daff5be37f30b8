/**
 * The PostgreSQL store: a connection pool shared by every request. Reads outside a transaction run
 * on the pool (each sees what is committed when it runs); `transaction` hands its work to the group
 * commit (`group-commit.ts`): the writes that arrive together commit in one PostgreSQL transaction,
 * each in its own savepoint, durably before their promises resolve, or not at all. Work that appends
 * no audit entry runs in a transaction of its own instead (`no-audit-entry.ts`).
 *
 * Failures leave as the rest of the server knows them (`storeFailure`): a database that cannot be
 * reached is `StoreUnavailable` (503, retry), any other driver error `QueryFailed`; neither carries
 * the driver's error, whose message holds the query's parameters. When the connection drops while
 * COMMIT is on its way, whether it committed is unknown: the request answers 503 all the same, and
 * the client's retry with the same `expectedRevision` gets 409 if the first attempt had committed.
 */
import type pg from "pg";
import type { Keyring } from "../../crypto/keyring.ts";
import type { RotationReport, StoreHealth } from "../case-store.ts";
import type { PathwayVersionRecord } from "../records.ts";
import type { Repositories, Storage, TransactionOptions } from "../storage.ts";
import { PgGroupCommit } from "./group-commit.ts";
import { keysInUse, rotateRecords } from "./key-rotation.ts";
import { NoChain } from "./no-audit-entry.ts";
import type { PgDb } from "./open.ts";
import { getPathwayVersion, listPathwayVersions, upsertPathwayVersions } from "./pathway-versions.ts";
import { PostgresRepositories, type PostgresRepositoryDependencies } from "./postgres-repositories.ts";
import { isConnectionFailure, safeSummary, storeFailure } from "./query-failures.ts";
import { inTransaction } from "./transactions.ts";

export class PostgresStorage implements Storage {
  readonly dialect = "postgres" as const;
  private readonly reads: Repositories;
  /** Transactions and reads under way: `close` waits for them before it ends the pool. */
  private readonly pending = new Set<Promise<unknown>>();
  private closing: Promise<void> | undefined;
  /** Writes of this process that arrive together commit in one transaction (`group-commit.ts`). */
  private readonly writes: PgGroupCommit;

  /**
   * @param where host, port and database name (no credentials): what `health` names.
   */
  constructor(
    readonly pool: pg.Pool,
    private readonly db: PgDb,
    private readonly dependencies: PostgresRepositoryDependencies,
    private readonly where: string,
  ) {
    this.writes = new PgGroupCommit(pool);
    const all = new PostgresRepositories(db, false, dependencies);
    this.reads = Object.fromEntries(
      Object.entries(all).map(([area, repository]) => [area, this.guarded(repository as object)]),
    ) as unknown as Repositories;
  }

  /** Tracks `operation` until it settles, and turns its driver errors into store failures. */
  private track<T>(operation: Promise<T>): Promise<T> {
    const guarded = operation.catch((error: unknown) => {
      throw storeFailure(error);
    });
    this.pending.add(guarded);
    const forget = () => this.pending.delete(guarded);
    guarded.then(forget, forget);
    return guarded;
  }

  /** `repository` with each method's failures turned into store failures (see the module comment). */
  private guarded<T extends object>(repository: T): T {
    return new Proxy(repository, {
      get: (target, property) => {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== "function") return value;
        return (...args: unknown[]) => {
          let result: unknown;
          try {
            result = value.apply(target, args);
          } catch (error) {
            throw storeFailure(error);
          }
          // Any thenable: a drizzle query returned as is is one, without being a Promise.
          const thenable = typeof (result as PromiseLike<unknown> | null)?.then === "function";
          return thenable ? this.track(Promise.resolve(result)) : result;
        };
      },
    });
  }

  transaction<T>(work: (tx: Repositories) => T | Promise<T>, options?: TransactionOptions): Promise<T> {
    if (options?.noAuditEntry) {
      return this.track(
        inTransaction(this.db, async (tx) =>
          work(new PostgresRepositories(tx, true, this.dependencies, new NoChain())),
        ),
      );
    }
    // Inside, the repositories' errors stay the driver's own: the group commit needs their SQLSTATE
    // to tell a lost connection or a deadlock. They become store failures once the batch is over.
    return this.track(
      this.writes.run(
        async (tx, held, swaps) => work(new PostgresRepositories(tx, true, this.dependencies, held, swaps)),
        options,
      ),
    );
  }

  get cases() {
    return this.reads.cases;
  }
  get retention() {
    return this.reads.retention;
  }
  get delivery() {
    return this.reads.delivery;
  }
  get tasks() {
    return this.reads.tasks;
  }
  get stats() {
    return this.reads.stats;
  }
  get directory() {
    return this.reads.directory;
  }
  get loginThrottle() {
    return this.reads.loginThrottle;
  }
  get caseAccess() {
    return this.reads.caseAccess;
  }
  get grants() {
    return this.reads.grants;
  }
  get audit() {
    return this.reads.audit;
  }

  upsertPathwayVersions(versions: PathwayVersionRecord[]): Promise<void> {
    return this.track(inTransaction(this.db, (tx) => upsertPathwayVersions(tx, versions)));
  }

  listPathwayVersions(country?: string): Promise<PathwayVersionRecord[]> {
    return this.track(listPathwayVersions(this.db, country));
  }

  getPathwayVersion(country: string, version: number): Promise<PathwayVersionRecord | undefined> {
    return this.track(getPathwayVersion(this.db, country, version));
  }

  /** Never: a commit PostgreSQL acknowledged is durable, and a lost connection fails only its own request. */
  failure(): Error | undefined {
    return undefined;
  }

  async health(): Promise<StoreHealth> {
    try {
      const { rows } = await this.pool.query<{ standby: boolean }>("SELECT pg_is_in_recovery() AS standby");
      if (rows[0]?.standby)
        return {
          ok: false,
          code: "PASSERELLE_STORE_UNWRITABLE",
          reason: `the database ${this.where} is a read-only standby: point DATABASE_URL at the primary`,
        };
      return { ok: true };
    } catch (error) {
      if (!isConnectionFailure(error)) throw storeFailure(error);
      return {
        ok: false,
        code: "PASSERELLE_STORE_UNAVAILABLE",
        reason: `the database ${this.where} cannot be reached (${safeSummary(error).code ?? "no connection"})`,
      };
    }
  }

  /**
   * Nothing to do on PostgreSQL. Erasure is crypto-erasure: the case's salt is deleted in the
   * erasure's transaction, so the old versions of its sealed values left in the table files (dead
   * tuples until autovacuum reclaims them) and in the write-ahead log open no more. What is left of
   * the salt itself sits in the same places, unreadable through SQL, and is worth nothing without
   * the data key, which is kept outside the database. A VACUUM here would not change that: it frees
   * the dead tuples' space without overwriting it, and WAL archives and base backups keep their
   * copies whatever the live database does (their retention bounds them: docs/operations.md).
   */
  async purgeErased(): Promise<boolean> {
    return true;
  }

  keysInUse(): Promise<{ keyIds: Set<string>; plain: number }> {
    return this.track(keysInUse(this.db));
  }

  resealAll(keyring: Keyring): Promise<RotationReport> {
    // One write of the group commit, as on SQLite: behind the audit chain's lock, so the rotation and
    // the writes of every instance follow one another; every value moves to the new key, or none.
    return this.track(this.writes.run((tx) => rotateRecords(tx, keyring)));
  }

  /** Waits for the transactions and reads under way, then closes every connection. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.writes.drain();
      while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
      await this.pool.end();
    })();
    return this.closing;
  }
}
