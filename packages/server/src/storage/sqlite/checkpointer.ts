/**
 * WAL checkpoints off the event loop. With SQLite's default (`wal_autocheckpoint = 1000`) the
 * writer copies the WAL into the database file inside a COMMIT every ~1,000 pages — on the only
 * thread, with two more fsyncs — which stalled every request in flight: under the event benchmark,
 * switching it off raised throughput by ~40 % and cut p99 from 43 to 25 ms.
 *
 * Here a worker thread with its own connection runs a PASSIVE checkpoint every `intervalMs`
 * (it never blocks the writer). The writer keeps a backstop: its own checkpoint at
 * `backstopPages` frames, which then finds almost every page already copied and only completes the
 * WAL so that it restarts from the beginning (a WAL written to without pause could otherwise grow).
 *
 * Durability is unchanged: a COMMIT is durable once its WAL frames are synced (`durability.ts`,
 * before any answer leaves); a checkpoint only moves committed pages into the main file, and an
 * interrupted checkpoint is redone from the WAL on the next open. The worker is not on an event's
 * path: an event never crosses into it.
 */
import { Worker } from "node:worker_threads";
import type Database from "better-sqlite3";

export interface CheckpointerOptions {
  /** How often the worker checkpoints (default 100 ms). */
  intervalMs?: number;
  /** `wal_autocheckpoint` of the writer connection, as a backstop (default 4,000 pages = 16 MB). */
  backstopPages?: number;
}

export class Checkpointer {
  private readonly worker: Worker;
  private closing: Promise<void> | undefined;
  private exited = false;
  private readonly listeners = new Set<(pages: number) => void>();

  /** Calls `listener` with the number of WAL frames copied, after each checkpoint that copied any. */
  onCheckpoint(listener: (pages: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  constructor(sqlite: Database.Database, options: CheckpointerOptions = {}) {
    sqlite.pragma(`wal_autocheckpoint = ${options.backstopPages ?? 4000}`);
    this.worker = new Worker(new URL("./checkpoint-worker.mjs", import.meta.url), {
      workerData: { file: sqlite.name, intervalMs: options.intervalMs ?? 100 },
    });
    // A process that forgets to close its store still exits; an abandoned checkpoint is harmless.
    this.worker.unref();
    this.worker.once("exit", () => {
      this.exited = true;
    });
    this.worker.on("message", (message: { type: string; message?: string; checkpointed?: number }) => {
      if (message.type === "error") process.emitWarning(`WAL checkpoint failed: ${message.message}`);
      if (message.type === "checkpointed")
        for (const listener of this.listeners) listener(message.checkpointed!);
    });
    // Without the worker the writer's backstop checkpoints still run.
    this.worker.on("error", (error) => process.emitWarning(`WAL checkpoint worker stopped: ${error}`));
  }

  /** Whether checkpoints can run in a worker: a WAL database in a file. */
  static applies(sqlite: Database.Database): boolean {
    return !sqlite.memory && !sqlite.readonly && sqlite.pragma("journal_mode", { simple: true }) === "wal";
  }

  /** Stops the worker and closes its connection (before the writer closes the file). */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      if (this.exited) return resolve();
      // Waited for: keep the process alive until the worker has closed its connection.
      this.worker.ref();
      this.worker.once("exit", () => resolve());
      this.worker.postMessage("close");
    });
    return this.closing;
  }
}
