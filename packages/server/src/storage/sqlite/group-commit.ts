/**
 * Group commit: the single writer of the database. Writes that arrive while the previous batch is
 * being committed (or while the event loop is busy) are batched into one SQLite transaction, so one
 * fsync (COMMIT with `synchronous=FULL`) makes a whole batch durable instead of one per request.
 *
 * Two kinds of write join a batch:
 * - closures (`run`): rare writes (referral grants, delivery, task actions) that run on this thread's
 *   connection;
 * - commands (`send`): the hot writes of the routes (open a case, apply an event, complete a task,
 *   append an audit entry), as data. They run on this connection when the commands are inline, or
 *   in the writer thread (`writer-thread.ts`), which owns a connection of its own, so that their
 *   SQL, audit hashing and fsync leave the event loop.
 * Only one batch is ever in progress, on one connection or the other: the two never wait for each
 * other's write lock.
 *
 * Each write runs inside its own SAVEPOINT (`batch-transaction.ts`): one that throws (stale
 * revision, refused event) rolls back only its own writes. Promises resolve only after COMMIT
 * returned, so a caller never acknowledges a write that is not on disk.
 */
import type Database from "better-sqlite3";
import { BatchTransaction, type Outcome } from "./batch-transaction.ts";
import { Checkpointer, type CheckpointerOptions } from "./checkpointer.ts";
import type { WriteCommand } from "./write-command.ts";

/** Commands run on this thread, in this connection's batch. */
export interface InlineCommands {
  readonly kind: "inline";
  execute(command: WriteCommand): unknown;
}

/** Commands run elsewhere (the writer thread), a batch at a time. */
export interface RemoteCommands {
  readonly kind: "remote";
  /** Runs the commands in one durable transaction; rejects when the batch as a whole failed. */
  executeBatch(commands: WriteCommand[]): Promise<Outcome[]>;
  close(): Promise<void>;
}

/**
 * A batch that never reached the writer thread (its message could not be built: a command that
 * cannot be cloned). Nothing of it ran, so its commands can be sent again, one at a time.
 */
export class BatchNotSent extends Error {
  override readonly name = "BatchNotSent";
}

interface Job {
  run?: () => unknown;
  command?: WriteCommand;
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
  /** Batches of commands sent to the writer thread and not answered yet. */
  private outstanding = 0;
  private closed = false;
  private idle: (() => void)[] = [];
  readonly stats: GroupCommitStats = { batches: 0, jobs: 0, largestBatch: 0 };
  private readonly transaction: BatchTransaction;
  private commands: InlineCommands | RemoteCommands | undefined;
  /** WAL checkpoints in a worker thread, so that COMMIT no longer copies the WAL on the event loop. */
  private readonly checkpointer: Checkpointer | undefined;

  constructor(
    sqlite: Database.Database,
    private readonly maxBatch = 512,
    checkpoints: CheckpointerOptions | false = {},
  ) {
    this.checkpointer =
      checkpoints !== false && Checkpointer.applies(sqlite)
        ? new Checkpointer(sqlite, checkpoints)
        : undefined;
    this.transaction = new BatchTransaction(sqlite);
  }

  /** Where commands run from now on (inline on this connection, or the writer thread). */
  useCommands(commands: InlineCommands | RemoteCommands): void {
    this.commands = commands;
  }

  /** Runs `fn` on this connection in the next batch; resolves with its result once committed. */
  run<T>(fn: () => T): Promise<T> {
    return this.enqueue({ run: fn }) as Promise<T>;
  }

  /** Runs a command in the next batch; resolves with its result once committed. */
  send<T>(command: WriteCommand): Promise<T> {
    return this.enqueue({ command }) as Promise<T>;
  }

  private enqueue(job: Pick<Job, "run" | "command">): Promise<unknown> {
    if (this.closed) return Promise.reject(new Error("the write queue is closed"));
    return new Promise((resolve, reject) => {
      this.pending.push({ ...job, resolve, reject });
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
    const remote = this.commands?.kind === "remote" ? this.commands : undefined;
    if (remote) {
      this.flushRemote(remote);
      return;
    }
    // Linger while the batch is still growing (requests keep arriving turn after turn), up to a few
    // loop turns: one COMMIT — the fsync, during which this thread is blocked — then covers more
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
    this.count(batch.length);
    this.runLocal(batch, this.commands?.kind === "inline" ? this.commands : undefined);
    this.afterFlush();
  }

  /**
   * With the writer thread, commands go out at once, every loop turn: it groups what reaches it
   * while it commits into its next transaction, so neither thread waits for the other. Closures
   * run here, on this connection, only while the writer thread holds nothing: they wait for its
   * answers, and the commands that come after them wait for them.
   */
  private flushRemote(remote: RemoteCommands): void {
    const firstClosure = this.pending.findIndex((job) => job.command === undefined);
    const commands = this.pending.splice(0, firstClosure === -1 ? this.pending.length : firstClosure);
    if (commands.length > 0) this.sendRemote(remote, commands);
    if (this.pending.length > 0) {
      // Closures are next: they run once every batch sent has been answered (see sendRemote).
      if (this.outstanding > 0) return;
      const closures = this.pending.splice(
        0,
        Math.min(this.maxBatch, this.pending.findIndex((job) => job.command !== undefined) >>> 0),
      );
      this.count(closures.length);
      this.runLocal(closures, undefined);
    }
    this.afterFlush();
  }

  private sendRemote(remote: RemoteCommands, jobs: Job[]): void {
    this.count(jobs.length);
    this.outstanding += 1;
    remote.executeBatch(jobs.map((job) => job.command!)).then(
      (outcomes) =>
        this.answered(jobs, (job, i) => {
          settle(job, outcomes[i]!);
        }),
      (error: unknown) => {
        if (error instanceof BatchNotSent && jobs.length > 1) {
          // One request's command must not fail the others that shared its batch: each goes alone,
          // and only the one that cannot be sent fails.
          this.outstanding -= 1;
          for (const job of jobs) this.sendRemote(remote, [job]);
          return;
        }
        this.answered(jobs, (job) => job.reject(error));
      },
    );
  }

  private answered(jobs: Job[], settleJob: (job: Job, i: number) => void): void {
    this.outstanding -= 1;
    for (const [i, job] of jobs.entries()) settleJob(job, i);
    if (this.outstanding === 0) {
      // Closures waited for the writer thread to finish; or the queue is draining.
      if (this.pending.length > 0) this.flush();
      else this.afterFlush();
    }
  }

  private runLocal(jobs: Job[], inline: InlineCommands | undefined): void {
    let outcomes: Outcome[];
    try {
      outcomes = this.transaction.run(
        jobs.map((job) => {
          if (job.run) return job.run;
          const command = job.command!;
          return () => {
            if (!inline) throw new Error("the store has no writer for its commands");
            return inline.execute(command);
          };
        }),
      );
    } catch (error) {
      // BEGIN or COMMIT failed (disk full, I/O error): nothing of the batch is durable.
      for (const job of jobs) job.reject(error);
      return;
    }
    for (const [i, job] of jobs.entries()) settle(job, outcomes[i]!);
  }

  private count(size: number): void {
    this.stats.batches += 1;
    this.stats.jobs += size;
    this.stats.largestBatch = Math.max(this.stats.largestBatch, size);
  }

  private afterFlush(): void {
    if (this.pending.length > 0) {
      setImmediate(() => this.flush());
      return;
    }
    this.scheduled = false;
    if (this.outstanding === 0) for (const wake of this.idle.splice(0)) wake();
  }

  /**
   * Refuses new jobs and resolves once every queued job has been committed or rejected, the writer
   * thread (if any) and the checkpoint worker have stopped (the file can then be closed).
   */
  async drain(): Promise<void> {
    this.closed = true;
    if (this.scheduled || this.outstanding > 0) await new Promise<void>((resolve) => this.idle.push(resolve));
    if (this.commands?.kind === "remote") await this.commands.close();
    await this.checkpointer?.close();
  }
}

function settle(job: Job, outcome: Outcome): void {
  if (outcome.ok) job.resolve(outcome.value);
  else job.reject(outcome.error);
}
