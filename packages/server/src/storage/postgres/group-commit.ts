/**
 * Group commit on PostgreSQL: the writes of one process that arrive while a batch is committing
 * are committed together in the next one, one transaction for many. A write that throws — a stale
 * revision, a refused request — must roll back only its own part: the batch's first attempt runs
 * the writes straight in the transaction, and if one throws, the attempt is rolled back and the
 * batch runs again, each write in its own SAVEPOINT (two more round trips a write, paid only then).
 *
 * Why: every write appends to the audit chain, and appends from every instance queue behind one
 * transaction-scoped advisory lock held from the head read to COMMIT (`audit-repository.ts`). One
 * write per transaction therefore caps the whole deployment at one COMMIT (one WAL flush) per
 * append. A batch pays that flush once for all its writes. It takes the lock and reads the chain's
 * head in one round trip (`lockChain`); the events that run together swap their cases, write their
 * history rows and insert the audit entries appended so far in one statement (`case-swaps.ts`); the
 * entries of other writes are inserted in one statement at its end (`held-chain.ts`). A batch keeps
 * its connection for the next one while writes keep coming (`batch-connection.ts`). A batch of
 * nothing but the audit entries of reads may instead commit in one statement, without a
 * transaction (`appends-alone.ts`). What a write still costs inside a batch: docs/performance.md,
 * the PostgreSQL store.
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
import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import type { AuditHead } from "../audit-repository.ts";
import { AUDIT_CHAIN_LOCK_KEY } from "./advisory-locks.ts";
import { appendAfter } from "./appends-alone.ts";
import { BatchConnection } from "./batch-connection.ts";
import { CaseSwaps } from "./case-swaps.ts";
import { HeldChain } from "./held-chain.ts";
import type { PgDb, PgTx } from "./open.ts";
import { isConnectionFailure } from "./query-failures.ts";
import * as schema from "./schema/index.ts";
import { inTransaction, isRetryable } from "./transactions.ts";

type Work = (tx: PgTx, chain: HeldChain, swaps?: CaseSwaps) => Promise<unknown>;

interface Job {
  work: Work;
  independent: boolean;
  appendOnly: boolean;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * Takes the chain's lock and reads its head, in one round trip: two statements of one simple-protocol
 * query (no parameters), each with its own snapshot at READ COMMITTED, so the head is read after the
 * lock is granted and sees every append committed before. One statement could not do both: its
 * snapshot would be taken before the wait for the lock.
 */
async function lockChain(tx: PgTx): Promise<AuditHead | undefined> {
  const results = (await tx.execute(
    sql.raw(
      `SELECT pg_advisory_xact_lock(${BigInt(AUDIT_CHAIN_LOCK_KEY)}::bigint); SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1`,
    ),
  )) as unknown as { rows: { seq: string; hash: string }[] }[];
  const head = results[1]?.rows[0];
  return head ? { seq: Number(head.seq), hash: head.hash } : undefined;
}

/** A write threw in an attempt without savepoints: the attempt is rolled back whole. */
class WriteRefused extends Error {
  constructor() {
    super("a write of the batch was refused");
  }
}

export interface RunOptions {
  /**
   * The work writes only rows of its own case (compare-and-swap on the case, or a new case) and
   * appends to the audit chain: it may run at the same time as other such work of its batch. Their
   * statements then wait in the connection's queue and leave one after the other as answers come
   * back, instead of each waiting for a turn of the event loop, which the API's requests share
   * (docs/performance.md, the PostgreSQL store). Work that reads what it then writes (a counter, a
   * "no users yet" check) must not be independent: two of them in one transaction would both read
   * the value from before either wrote.
   */
  independent?: boolean;
  /**
   * The work only appends to the audit chain: it sends no statement of its own. A batch of such
   * work alone commits in one statement (`appends-alone.ts`); a statement sent all the same fails
   * the work with `NotAppendOnly`. Implies `independent`.
   */
  appendOnly?: boolean;
}

export interface PgGroupCommitStats {
  batches: number;
  jobs: number;
  largestBatch: number;
  /** Batches committed in one statement (`appends-alone.ts`). */
  appendedAlone: number;
  /** Batches that tried to and found the chain moved on, then ran as a transaction. */
  appendedAloneMissed: number;
}

/** A statement sent by work that said it only appends to the audit chain (`RunOptions.appendOnly`). */
export class NotAppendOnly extends Error {
  constructor() {
    super("work run as appendOnly sent a statement of its own");
  }
}

/** What append-only work runs on: any statement it sends fails with `NotAppendOnly`. */
const NO_STATEMENTS = drizzle(
  { query: () => Promise.reject(new NotAppendOnly()) } as unknown as pg.PoolClient,
  { schema },
) as unknown as PgTx;

export class PgGroupCommit {
  private pending: Job[] = [];
  private running = false;
  private closed = false;
  private idle: (() => void)[] = [];
  readonly stats: PgGroupCommitStats = {
    batches: 0,
    jobs: 0,
    largestBatch: 0,
    appendedAlone: 0,
    appendedAloneMissed: 0,
  };
  /**
   * The chain's head as this process's last batch committed it; undefined when unknown (none yet,
   * or the last batch failed). Only a hint: `appendAfter` checks it under the chain's lock.
   */
  private lastHead: AuditHead | undefined;
  /**
   * Batches of appends still to run as transactions before the next try alone, and the tries that
   * missed in a row. Where another instance appends between this one's batches (two instances
   * sharing the reads), nearly every try misses and costs a statement more than the transaction
   * alone: after each miss in a row, twice as many batches skip the try, up to 64.
   */
  private skipAlone = 0;
  private missedInARow = 0;

  private readonly connection: BatchConnection;

  constructor(
    pool: pg.Pool,
    private readonly maxBatch = 256,
  ) {
    this.connection = new BatchConnection(pool);
  }

  /** Runs `work` in the next batch; resolves with its result once the batch has committed. */
  run<T>(
    work: (tx: PgTx, chain: HeldChain, swaps?: CaseSwaps) => Promise<T>,
    options: RunOptions = {},
  ): Promise<T> {
    if (this.closed) return Promise.reject(new Error("the write queue is closed"));
    return new Promise<T>((resolve, reject) => {
      const appendOnly = options.appendOnly === true;
      const independent = appendOnly || options.independent === true;
      this.pending.push({
        work,
        independent,
        appendOnly,
        resolve: resolve as (value: unknown) => void,
        reject,
      });
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
    this.connection.release();
    this.running = false;
    for (const wake of this.idle.splice(0)) wake();
  }

  private async commit(all: Job[]): Promise<void> {
    const head = this.lastHead;
    this.lastHead = undefined;
    if (head && all.every((job) => job.appendOnly)) {
      if (this.skipAlone > 0) this.skipAlone -= 1;
      else {
        const batch = await this.appendAlone(all, head);
        if (batch.length > 0) await this.commitTransaction(batch);
        return;
      }
    }
    await this.commitTransaction(all);
  }

  /** `batch` in one transaction (see `attempt`), each write answered with its own outcome. */
  private async commitTransaction(batch: Job[]): Promise<void> {
    // First the writes run straight in the transaction: no savepoint round trips. If one throws,
    // that attempt is rolled back whole and the batch runs again, each write in its own savepoint,
    // so that a refused write rolls back alone and answers with its own error. A write refused
    // inside a transaction is rare (the revision is checked before it), so batches almost always
    // commit on the first attempt.
    try {
      const outcomes = await this.attempt(batch, false);
      for (const [i, job] of batch.entries()) job.resolve((outcomes[i] as { value: unknown }).value);
      return;
    } catch (error) {
      if (!(error instanceof WriteRefused)) {
        for (const job of batch) job.reject(error);
        return;
      }
    }
    try {
      const outcomes = await this.attempt(batch, true);
      for (const [i, job] of batch.entries()) {
        const outcome = outcomes[i]!;
        if (outcome.ok) job.resolve(outcome.value);
        else job.reject(outcome.error);
      }
    } catch (error) {
      for (const job of batch) job.reject(error);
    }
  }

  /**
   * A batch of append-only work linked after `head` and committed in one statement. Returns the
   * work still to run as a transaction: all of it when the chain had moved on from `head` (nothing
   * was stored), else none. Work that throws is refused with its own error and its entries taken
   * back, as a savepoint would.
   */
  private async appendAlone(batch: Job[], head: AuditHead): Promise<Job[]> {
    const chain = new HeldChain(head);
    const appended: { job: Job; value: unknown }[] = [];
    // One after the other: append-only work waits for nothing, so this costs no round trip.
    for (const job of batch) {
      const mark = chain.mark();
      try {
        appended.push({ job, value: await job.work(NO_STATEMENTS, chain) });
      } catch (error) {
        chain.restore(mark);
        job.reject(error);
      }
    }
    if (appended.length === 0) {
      // Nothing was sent: the head is still the one this process committed.
      this.lastHead = head;
      return [];
    }
    try {
      if (!(await this.connection.use((db) => appendAfter(db, head, chain.take())))) {
        this.stats.appendedAloneMissed += 1;
        this.missedInARow += 1;
        this.skipAlone = Math.min(2 ** this.missedInARow, 64);
        return appended.map(({ job }) => job);
      }
    } catch (error) {
      for (const { job } of appended) job.reject(error);
      return [];
    }
    this.stats.appendedAlone += 1;
    this.missedInARow = 0;
    this.lastHead = chain.current();
    for (const { job, value } of appended) job.resolve(value);
    return [];
  }

  /**
   * One transaction for `batch`, behind the chain's lock; each write's outcome, in order. Without
   * savepoints a write that throws ends the attempt (`WriteRefused`), and consecutive independent
   * writes run together; with savepoints they run one by one and each failure is its own outcome.
   * A lost connection, or a deadlock outside a savepoint, ends the attempt with the driver's error
   * (`inTransaction` runs it again after a deadlock).
   */
  private async attempt(batch: Job[], savepoints: boolean): Promise<Outcome[]> {
    return this.connection.use((db) => this.inBatchTransaction(db, batch, savepoints));
  }

  private async inBatchTransaction(db: PgDb, batch: Job[], savepoints: boolean): Promise<Outcome[]> {
    let committed: AuditHead | undefined;
    const result = await inTransaction(db, async (tx) => {
      const outcomes: Outcome[] = [];
      const chain = new HeldChain(await lockChain(tx));
      for (let i = 0; i < batch.length; ) {
        if (savepoints) {
          const mark = chain.mark();
          try {
            outcomes.push({ ok: true, value: await tx.transaction((sp) => batch[i]!.work(sp, chain)) });
          } catch (error) {
            // Without its connection the transaction is gone.
            if (isConnectionFailure(error)) throw error;
            chain.restore(mark);
            outcomes.push({ ok: false, error });
          }
          i += 1;
          continue;
        }
        let end = i + 1;
        if (batch[i]!.independent) while (end < batch.length && batch[end]!.independent) end += 1;
        const swaps = new CaseSwaps(tx, chain);
        const settled = await Promise.allSettled(
          batch.slice(i, end).map((job) => job.work(tx, chain, swaps)),
        );
        const errors = settled.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : []));
        if (errors.length > 0) {
          // One failure aborts the others' statements too: the driver's failures come first.
          throw errors.find(isConnectionFailure) ?? errors.find(isRetryable) ?? new WriteRefused();
        }
        for (const r of settled)
          outcomes.push({ ok: true, value: (r as PromiseFulfilledResult<unknown>).value });
        i = end;
      }
      await chain.flush(tx);
      committed = chain.current();
      return outcomes;
    });
    this.lastHead = committed;
    return result;
  }

  /** Refuses new writes and resolves once every queued one has committed or been rejected. */
  async drain(): Promise<void> {
    this.closed = true;
    if (this.running) await new Promise<void>((resolve) => this.idle.push(resolve));
  }
}
