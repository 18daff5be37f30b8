/**
 * Group commit on PostgreSQL: the writes of one process that arrive while a batch is committing
 * are committed together in the next one, one transaction for many, each write in its own
 * SAVEPOINT (a write that throws — a stale revision, a refused request — rolls back only its own
 * part).
 *
 * Why: every write appends to the audit chain, and appends from every instance queue behind one
 * transaction-scoped advisory lock held from the head read to COMMIT (`audit-repository.ts`). One
 * write per transaction therefore caps the whole deployment at one COMMIT (one WAL flush) per
 * append. A batch pays that flush once for all its writes (what a write still costs inside one:
 * docs/performance.md, the PostgreSQL store).
 *
 * The batch takes the chain's lock first, before any row lock: a batch that held a case row while
 * waiting for the chain, against another instance's batch holding the chain while waiting for that
 * row, would deadlock. Batches of different instances thus follow one another; within a process
 * only one batch runs at a time, on one pooled connection, and the rest of the pool serves reads.
 *
 * A batch PostgreSQL aborted as a deadlock or serialization failure did nothing: it runs again,
 * whole (`transactions.ts`). A lost connection rejects every write of the batch: whether its COMMIT
 * landed is unknown, and the caller answers 503 (a retry with the same revision then gets 409 if it
 * had).
 */
import { sql } from "drizzle-orm";
import { AUDIT_CHAIN_LOCK_KEY } from "./advisory-locks.ts";
import type { PgDb, PgTx } from "./open.ts";
import { isConnectionFailure } from "./query-failures.ts";
import { inTransaction } from "./transactions.ts";

type Work = (tx: PgTx) => Promise<unknown>;

interface Job {
  work: Work;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export interface PgGroupCommitStats {
  batches: number;
  jobs: number;
  largestBatch: number;
}

export class PgGroupCommit {
  private pending: Job[] = [];
  private running = false;
  private closed = false;
  private idle: (() => void)[] = [];
  readonly stats: PgGroupCommitStats = { batches: 0, jobs: 0, largestBatch: 0 };

  constructor(
    private readonly db: PgDb,
    private readonly maxBatch = 256,
  ) {}

  /** Runs `work` in the next batch; resolves with its result once the batch has committed. */
  run<T>(work: (tx: PgTx) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error("the write queue is closed"));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      if (!this.running) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.running = true;
    // One turn of the loop first: the requests parsed in this turn join the first batch.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.pending.length > 0) {
      const batch = this.pending.splice(0, this.maxBatch);
      this.stats.batches += 1;
      this.stats.jobs += batch.length;
      this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
      await this.commit(batch);
    }
    this.running = false;
    for (const wake of this.idle.splice(0)) wake();
  }

  private async commit(batch: Job[]): Promise<void> {
    let outcomes: Outcome[] = [];
    try {
      await inTransaction(this.db, async (tx) => {
        // Run again after a deadlock: the outcomes of the aborted attempt are void.
        outcomes = [];
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY}::bigint)`);
        for (const job of batch) {
          try {
            outcomes.push({ ok: true, value: await tx.transaction((savepoint) => job.work(savepoint)) });
          } catch (error) {
            // Without its connection the transaction is gone: nothing of the batch commits.
            if (isConnectionFailure(error)) throw error;
            outcomes.push({ ok: false, error });
          }
        }
      });
    } catch (error) {
      for (const job of batch) job.reject(error);
      return;
    }
    for (const [i, job] of batch.entries()) {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    }
  }

  /** Refuses new writes and resolves once every queued one has committed or been rejected. */
  async drain(): Promise<void> {
    this.closed = true;
    if (this.running) await new Promise<void>((resolve) => this.idle.push(resolve));
  }
}
