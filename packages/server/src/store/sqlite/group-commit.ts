/**
 * Group commit: the single writer of the database. Writes that arrive while the event loop is busy
 * are batched into one SQLite transaction, so one fsync (COMMIT with `synchronous=FULL`) makes a
 * whole batch durable instead of one fsync per request.
 *
 * Each job runs inside its own SAVEPOINT: a job that throws (stale revision, refused event) rolls
 * back only its own writes, and the others of the batch commit. Promises resolve only after COMMIT
 * returned, so a caller never acknowledges a write that is not on disk.
 */
import type Database from "better-sqlite3";
import { Checkpointer, type CheckpointerOptions } from "./checkpointer.ts";

interface Job {
  run: () => unknown;
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
  private closed = false;
  private idle: (() => void)[] = [];
  readonly stats: GroupCommitStats = { batches: 0, jobs: 0, largestBatch: 0 };
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly savepoint: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollbackTo: Database.Statement;
  /** WAL checkpoints in a worker thread, so that COMMIT no longer copies the WAL on the event loop. */
  private readonly checkpointer: Checkpointer | undefined;

  constructor(
    private readonly sqlite: Database.Database,
    private readonly maxBatch = 512,
    checkpoints: CheckpointerOptions | false = {},
  ) {
    this.checkpointer =
      checkpoints !== false && Checkpointer.applies(sqlite)
        ? new Checkpointer(sqlite, checkpoints)
        : undefined;
    this.begin = sqlite.prepare("BEGIN IMMEDIATE");
    this.commit = sqlite.prepare("COMMIT");
    this.rollback = sqlite.prepare("ROLLBACK");
    this.savepoint = sqlite.prepare("SAVEPOINT job");
    this.release = sqlite.prepare("RELEASE job");
    this.rollbackTo = sqlite.prepare("ROLLBACK TO job");
  }

  /** Runs `fn` in the next batch; resolves with its result once the batch is committed. */
  run<T>(fn: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new Error("the write queue is closed"));
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ run: fn, resolve: resolve as (value: unknown) => void, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // setImmediate runs after the poll phase: every request parsed in this loop turn joins the batch.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Pending jobs when the flush last looked, and how many loop turns it has waited. */
  private seen = 0;
  private lingered = 0;

  private flush(): void {
    // Linger while the batch is still growing (requests keep arriving turn after turn), up to a few
    // loop turns: one COMMIT — the fsync, during which the event loop is blocked — then covers more
    // requests. An idle server waits a single turn.
    if (
      this.pending.length > this.seen &&
      this.pending.length < this.maxBatch &&
      this.lingered < MAX_LINGER_TURNS
    ) {
      this.seen = this.pending.length;
      this.lingered += 1;
      setImmediate(() => this.flush());
      return;
    }
    this.seen = 0;
    this.lingered = 0;
    const batch = this.pending.splice(0, this.maxBatch);
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.begin.run();
      for (const job of batch) {
        this.savepoint.run();
        try {
          const value = job.run();
          this.release.run();
          outcomes.push({ ok: true, value });
        } catch (error) {
          this.rollbackTo.run();
          this.release.run();
          outcomes.push({ ok: false, value: error });
        }
      }
      this.commit.run();
    } catch (error) {
      // BEGIN or COMMIT failed (disk full, I/O error): nothing of the batch is durable.
      if (this.sqlite.inTransaction) this.rollback.run();
      for (const job of batch) job.reject(error);
      this.afterFlush();
      return;
    }
    this.stats.batches += 1;
    this.stats.jobs += batch.length;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, batch.length);
    batch.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.value);
    });
    this.afterFlush();
  }

  private afterFlush(): void {
    if (this.pending.length > 0) {
      setImmediate(() => this.flush());
      return;
    }
    this.scheduled = false;
    for (const wake of this.idle.splice(0)) wake();
  }

  /**
   * Refuses new jobs and resolves once every queued job has been committed or rejected and the
   * checkpoint worker has stopped (the file can then be closed).
   */
  async drain(): Promise<void> {
    this.closed = true;
    if (this.scheduled) await new Promise<void>((resolve) => this.idle.push(resolve));
    await this.checkpointer?.close();
  }
}
