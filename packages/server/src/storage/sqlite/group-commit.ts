/**
 * Group commit: the single writer of the database. Writes that arrive while the event loop is busy
 * are batched into one SQLite transaction, each in its own SAVEPOINT (a write that throws — stale
 * revision, refused request — rolls back only its own part), and one sync of the log makes the whole
 * batch durable instead of one per request.
 *
 * Durability: the connection runs with `synchronous = NORMAL`, so COMMIT writes the log without
 * syncing it; the batch is made durable by `sync` (`durability.ts`: fdatasync of the WAL file),
 * called right after COMMIT and before any promise of the batch resolves. COMMIT and the sync run in
 * one synchronous stretch, so nothing on this thread can answer from a commit before it is synced.
 * A failed sync is final (the page cache may have dropped what it could not write): the queue
 * refuses every write from then on and the server must be restarted, as PostgreSQL does.
 *
 * A write may be async (repositories return promises), but it must only await the storage it is
 * given: while it waits, the whole batch waits.
 */
import type Database from "better-sqlite3";
import { StoreSyncFailed } from "../storage-errors.ts";
import { Checkpointer, type CheckpointerOptions } from "./checkpointer.ts";
import { type Durability, WalSync } from "./durability.ts";

type Work = () => unknown;

interface Job {
  work: Work;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/** Loop turns a flush may wait for more requests to join its batch. */
const MAX_LINGER_TURNS = 3;

export interface GroupCommitStats {
  batches: number;
  jobs: number;
  largestBatch: number;
}

export class GroupCommitQueue {
  private pending: Job[] = [];
  private scheduled = false;
  private running = false;
  private closed = false;
  private failed: StoreSyncFailed | undefined;
  private idle: (() => void)[] = [];
  readonly stats: GroupCommitStats = { batches: 0, jobs: 0, largestBatch: 0 };
  private readonly s: ReturnType<typeof prepare>;
  /** WAL checkpoints in a worker thread, so that a COMMIT never copies the WAL on the event loop. */
  private readonly checkpointer: Checkpointer | undefined;
  /** Pending jobs when the flush last looked, and how many loop turns it has waited. */
  private seen = 0;
  private lingered = 0;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly durability: Durability = new WalSync(sqlite.name),
    private readonly maxBatch = 512,
    checkpoints: CheckpointerOptions | false = {},
  ) {
    this.checkpointer =
      checkpoints !== false && Checkpointer.applies(sqlite)
        ? new Checkpointer(sqlite, checkpoints)
        : undefined;
    // This queue syncs the log itself after each COMMIT (`durability.ts`); writes made on this
    // connection outside the queue must therefore not exist.
    sqlite.pragma("synchronous = NORMAL");
    this.s = prepare(sqlite);
  }

  /** Runs `work` in the next batch; resolves with its result once the batch is durable. */
  run<T>(work: () => T | Promise<T>): Promise<T> {
    if (this.failed) return Promise.reject(this.failed);
    if (this.closed) return Promise.reject(new Error("the write queue is closed"));
    return new Promise((resolve, reject) => {
      this.pending.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.schedule();
    });
  }

  private schedule(): void {
    if (this.scheduled || this.running) return;
    this.scheduled = true;
    // setImmediate runs after the poll phase: every request parsed in this loop turn joins the batch.
    setImmediate(() => void this.flush());
  }

  private async flush(): Promise<void> {
    this.scheduled = false;
    // Linger while the batch is still growing (requests keep arriving turn after turn), up to a few
    // loop turns: one sync then covers more requests. An idle server waits a single turn.
    if (
      this.pending.length > this.seen &&
      this.pending.length < this.maxBatch &&
      this.lingered < MAX_LINGER_TURNS
    ) {
      this.seen = this.pending.length;
      this.lingered += 1;
      this.scheduled = true;
      setImmediate(() => void this.flush());
      return;
    }
    this.seen = 0;
    this.lingered = 0;
    const batch = this.pending.splice(0, this.maxBatch);
    this.running = true;
    this.count(batch.length);
    try {
      await this.commit(batch);
    } finally {
      this.running = false;
    }
    if (this.pending.length > 0) this.schedule();
    else for (const wake of this.idle.splice(0)) wake();
  }

  private async commit(batch: Job[]): Promise<void> {
    if (this.failed) {
      for (const job of batch) job.reject(this.failed);
      return;
    }
    const outcomes: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    try {
      this.s.begin.run();
      for (const job of batch) {
        this.s.savepoint.run();
        try {
          const result = job.work();
          // Synchronous writes (most) settle without leaving this stretch of code.
          const value = isThenable(result) ? await result : result;
          this.s.release.run();
          outcomes.push({ ok: true, value });
        } catch (error) {
          this.s.rollbackTo.run();
          this.s.release.run();
          outcomes.push({ ok: false, error });
        }
      }
      this.s.commit.run();
    } catch (error) {
      // BEGIN or COMMIT failed (disk full, I/O error): nothing of the batch is committed.
      if (this.sqlite.inTransaction) this.s.rollback.run();
      for (const job of batch) job.reject(error);
      return;
    }
    try {
      this.durability.sync();
    } catch (error) {
      this.failed = new StoreSyncFailed(error);
      for (const job of batch) job.reject(this.failed);
      for (const job of this.pending.splice(0)) job.reject(this.failed);
      return;
    }
    for (const [i, job] of batch.entries()) {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.error);
    }
  }

  private count(size: number): void {
    this.stats.batches += 1;
    this.stats.jobs += size;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, size);
  }

  /** The failed sync, if one failed (the store accepts no write until restarted). */
  get syncFailure(): StoreSyncFailed | undefined {
    return this.failed;
  }

  /** Refuses new jobs and resolves once every queued job has been committed or rejected. */
  async drain(): Promise<void> {
    this.closed = true;
    if (this.scheduled || this.running || this.pending.length > 0)
      await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.checkpointer?.close();
    this.durability.close();
  }
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === "function";
}

function prepare(sqlite: Database.Database) {
  return {
    begin: sqlite.prepare("BEGIN IMMEDIATE"),
    commit: sqlite.prepare("COMMIT"),
    rollback: sqlite.prepare("ROLLBACK"),
    savepoint: sqlite.prepare("SAVEPOINT job"),
    release: sqlite.prepare("RELEASE job"),
    rollbackTo: sqlite.prepare("ROLLBACK TO job"),
  };
}
