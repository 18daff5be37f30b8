/**
 * Group commit on PostgreSQL: the writes of one process that arrive while a batch is committing
 * are committed together in the next one, one transaction for many. A write that throws — a stale
 * revision, a refused request — must roll back only its own part: the batch's first attempt runs
 * the writes straight in the transaction, and if one throws, the attempt is rolled back, that write
 * answered with its error, and the others run again, each in its own SAVEPOINT (two more round
 * trips a write, paid only then).
 *
 * Why: every write appends to the audit chain, and appends from every instance queue behind one
 * transaction-scoped advisory lock held from the head read to COMMIT (`audit-repository.ts`). One
 * write per transaction therefore caps the whole deployment at one COMMIT (one WAL flush) per
 * append. A batch pays that flush once for all its writes; it reads the chain's head once, and
 * inserts the entries of all its writes in one statement at its end (`held-chain.ts`). What a write still
 * costs inside a batch: docs/performance.md, the PostgreSQL store.
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
import { HeldChain } from "./held-chain.ts";
import type { PgDb, PgTx } from "./open.ts";
import { isConnectionFailure } from "./query-failures.ts";
import { inTransaction, isRetryable } from "./transactions.ts";

type Work = (tx: PgTx, chain: HeldChain) => Promise<unknown>;

interface Job {
  work: Work;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

type Attempt =
  | { kind: "committed"; values: unknown[] }
  | { kind: "savepoints"; outcomes: Outcome[] }
  | { kind: "refused"; index: number; error: unknown }
  | { kind: "failed"; error: unknown };

/** A write that threw in an attempt without savepoints: the attempt is rolled back, that write answered. */
class WriteRefused extends Error {
  constructor(
    readonly index: number,
    readonly error: unknown,
  ) {
    super("a write of the batch was refused");
  }
}

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
  run<T>(work: (tx: PgTx, chain: HeldChain) => Promise<T>): Promise<T> {
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
    // First every write runs straight in the transaction: no savepoint round trips. A write that
    // throws rolls that attempt back whole; it is answered with its error, and the others run again,
    // each in its own savepoint. A write refused inside a transaction is rare (the revision is
    // checked before it), so batches almost always commit on the first attempt.
    const first = await this.attempt(batch, false);
    if (first.kind === "failed") {
      for (const job of batch) job.reject(first.error);
      return;
    }
    if (first.kind === "committed") {
      for (const [i, job] of batch.entries()) job.resolve(first.values[i]);
      return;
    }
    if (first.kind !== "refused")
      throw new Error("unreachable: an attempt without savepoints stops at a refusal");
    batch[first.index]!.reject(first.error);
    const rest = batch.filter((_, i) => i !== first.index);
    const second = await this.attempt(rest, true);
    if (second.kind === "failed") {
      for (const job of rest) job.reject(second.error);
      return;
    }
    if (second.kind !== "savepoints") throw new Error("unreachable: savepoints answer every write");
    for (const [i, job] of rest.entries()) {
      const outcome = second.outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    }
  }

  /**
   * One transaction for `batch`, behind the chain's lock. Without savepoints the first write that
   * throws ends the attempt (`refused`); with them each write's failure is its own outcome.
   */
  private async attempt(batch: Job[], savepoints: boolean): Promise<Attempt> {
    let outcomes: Outcome[] = [];
    try {
      await inTransaction(this.db, async (tx) => {
        // Run again after a deadlock: the outcomes of the aborted attempt are void.
        outcomes = [];
        const chain = new HeldChain();
        await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY}::bigint)`);
        for (const [index, job] of batch.entries()) {
          const mark = chain.mark();
          try {
            const value = savepoints
              ? await tx.transaction((savepoint) => job.work(savepoint, chain))
              : await job.work(tx, chain);
            outcomes.push({ ok: true, value });
          } catch (error) {
            // Without its connection the transaction is gone; after a deadlock it is run again whole.
            if (isConnectionFailure(error) || (!savepoints && isRetryable(error))) throw error;
            if (!savepoints) throw new WriteRefused(index, error);
            chain.restore(mark);
            outcomes.push({ ok: false, error });
          }
        }
        await chain.flush(tx);
      });
    } catch (error) {
      if (error instanceof WriteRefused) return { kind: "refused", index: error.index, error: error.error };
      return { kind: "failed", error };
    }
    return savepoints
      ? { kind: "savepoints", outcomes }
      : { kind: "committed", values: outcomes.map((o) => (o as { value: unknown }).value) };
  }

  /** Refuses new writes and resolves once every queued one has committed or been rejected. */
  async drain(): Promise<void> {
    this.closed = true;
    if (this.running) await new Promise<void>((resolve) => this.idle.push(resolve));
  }
}
