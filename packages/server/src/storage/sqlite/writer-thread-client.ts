/**
 * The request thread's side of the writer thread: sends batches of commands, and resolves each with
 * its outcomes once the writer thread committed it and the WAL sync thread synced that commit
 * (`durable-replies.ts`). Both threads are started by `start` (the server does, before it listens)
 * or else on the first write.
 *
 * If a thread dies (a bug, out of memory), the batches in progress are rejected — whether they
 * committed is unknown, so their requests answer 500, never 2xx — and the next batch starts new
 * threads: an interrupted transaction is rolled back by SQLite, a committed one is simply there.
 * A failed sync is final (see `wal-sync-thread.mjs`): every write answers 500 from then on.
 */
import { MessageChannel, type MessagePort, Worker } from "node:worker_threads";
import type { KeyringSettings } from "../../crypto/keyring.ts";
import type { PersonalDataCodec } from "../../crypto/personal-data-codec.ts";
import type { Outcome } from "./batch-transaction.ts";
import { DurableReplies } from "./durable-replies.ts";
import { BatchNotSent, type RemoteCommands } from "./group-commit.ts";
import { whenReady } from "./thread-ready.ts";
import type { WriteCommand } from "./write-command.ts";
import type { WriterThreadData } from "./writer-thread.ts";
import {
  errorFromWire,
  type FromSync,
  type FromWriter,
  outcomeFromWire,
  type ToWriter,
} from "./writer-wire.ts";

export interface WriterThreadOptions {
  /** The database file (already migrated by the request thread). */
  file: string;
  /** Data-key settings; null with protections off. Must be those the request thread's codec uses. */
  keys: KeyringSettings | null;
  /** The request thread's codec: opens what the writer thread sends back sealed. */
  codec: PersonalDataCodec;
  backstopPages?: number;
  /** Told when the thread died and a new one will be started. */
  onCrash?: (error: Error) => void;
}

interface InFlight {
  commands: WriteCommand[];
  resolve: (outcomes: Outcome[]) => void;
  reject: (error: Error) => void;
}

/** The writer thread with its WAL sync thread: one generation, replaced whole if either dies. */
interface Threads {
  writer: Worker;
  sync: Worker;
  fromSync: MessagePort;
  replies: DurableReplies;
  /** The writer thread's newest commit with case data, raised before its COMMIT (one Int32). */
  visible: Int32Array;
  /** Settles when the writer thread has loaded and opened its connection (or died first). */
  ready: Promise<void>;
}

export class WriterThread implements RemoteCommands {
  readonly kind = "remote";
  private threads: Threads | undefined;
  private nextId = 1;
  private readonly inFlight = new Map<number, InFlight>();
  private closing: Promise<void> | undefined;
  private syncFailure: Error | undefined;

  constructor(private readonly options: WriterThreadOptions) {}

  executeBatch(commands: WriteCommand[]): Promise<Outcome[]> {
    if (this.closing) return Promise.reject(new Error("the writer thread is closed"));
    if (this.syncFailure) return Promise.reject(this.syncFailure);
    const { writer } = this.started();
    const id = this.nextId++;
    return new Promise<Outcome[]>((resolve, reject) => {
      this.inFlight.set(id, { commands, resolve, reject });
      // Only a batch in progress keeps the process alive (like a pending write on this thread).
      writer.ref();
      try {
        writer.postMessage({ type: "batch", id, commands } satisfies ToWriter);
      } catch (error) {
        // The message could not be built (a command that cannot be cloned): nothing was sent.
        this.inFlight.delete(id);
        if (this.inFlight.size === 0) writer.unref();
        reject(new BatchNotSent(error instanceof Error ? error.message : String(error)));
      }
    });
  }

  /**
   * For an answer whose reads are done: undefined if it can leave now, else a promise that settles
   * once every commit those reads could have seen is on disk (rejects if a sync failed or the
   * writer thread died). The writer thread commits before the WAL sync thread has synced, and any
   * connection — the reader thread's, this thread's — sees a commit from then on: without this, a
   * read could show a revision that a power loss would take back, while the client that wrote it
   * has not been answered yet. Costs nothing when that newest commit is synced already (a server
   * that only reads).
   */
  readBarrier(): Promise<void> | undefined {
    const threads = this.threads;
    if (!threads) return undefined;
    const commit = Atomics.load(threads.visible, 0);
    if (threads.replies.isSynced(commit)) return undefined;
    return new Promise<void>((resolve, reject) => threads.replies.arrived(commit, resolve, reject));
  }

  /**
   * Starts both threads now and resolves once the writer thread is ready: the server starts them
   * before it listens, so the first write after a start does not wait for a thread to load.
   */
  start(): Promise<void> {
    return this.started().ready;
  }

  /** Stops both threads once the batches in progress are answered (the queue drains first). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const threads = this.threads;
      if (!threads) return;
      threads.writer.ref();
      await new Promise<void>((resolve) => {
        threads.writer.once("exit", () => resolve());
        threads.writer.postMessage({ type: "close" } satisfies ToWriter);
      });
      await new Promise<void>((resolve) => {
        threads.sync.once("exit", () => resolve());
        threads.sync.postMessage("close");
      });
      threads.fromSync.close();
    })();
    return this.closing;
  }

  private started(): Threads {
    if (this.threads) return this.threads;
    const toSync = new MessageChannel();
    const fromSync = new MessageChannel();
    const visible = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
    const sync = new Worker(new URL("./wal-sync-thread.mjs", import.meta.url), {
      workerData: { walPath: `${this.options.file}-wal`, fromWriter: toSync.port2, toMain: fromSync.port2 },
      transferList: [toSync.port2, fromSync.port2],
    });
    const data: WriterThreadData = {
      entry: "./writer-thread.ts",
      file: this.options.file,
      keys: this.options.keys,
      backstopPages: this.options.backstopPages ?? 4000,
      toSync: toSync.port1,
      visible,
    };
    const writer = new Worker(new URL("./thread-entry.mjs", import.meta.url), {
      workerData: data,
      transferList: [toSync.port1],
    });
    const threads: Threads = {
      writer,
      sync,
      fromSync: fromSync.port1,
      replies: new DurableReplies(),
      visible: new Int32Array(visible),
      ready: whenReady(writer, "writer thread"),
    };
    writer.unref();
    sync.unref();
    threads.fromSync.unref();
    writer.on("message", (message: FromWriter) => this.receive(threads, message));
    threads.fromSync.on("message", (message: FromSync) => {
      if (message.type === "synced") threads.replies.syncedUpTo(message.commit);
      else
        this.syncFailed(
          threads,
          new Error(`the database's WAL could not be synced to disk: ${message.message}`),
        );
    });
    for (const worker of [writer, sync]) {
      worker.on("error", (error) => this.died(threads, error));
      worker.on("exit", (code) => {
        if (!this.closing) this.died(threads, new Error(`a writer thread exited with code ${code}`));
      });
    }
    this.threads = threads;
    return threads;
  }

  private receive(threads: Threads, message: FromWriter): void {
    if (message.type !== "batch" && message.type !== "batchFailed") return;
    const batch = this.inFlight.get(message.id);
    if (!batch) return;
    const settled = () => {
      this.inFlight.delete(message.id);
      if (this.inFlight.size === 0 && !this.closing) threads.writer.unref();
    };
    if (message.type === "batchFailed") {
      settled();
      batch.reject(errorFromWire(message.error));
      return;
    }
    threads.replies.arrived(
      message.commit,
      () => {
        settled();
        batch.resolve(
          message.outcomes.map((outcome, i) =>
            outcomeFromWire(batch.commands[i]!, outcome, this.options.codec),
          ),
        );
      },
      (error) => {
        settled();
        batch.reject(error);
      },
    );
  }

  private syncFailed(threads: Threads, error: Error): void {
    this.syncFailure ??= error;
    threads.replies.failed(error);
    this.options.onCrash?.(error);
  }

  private died(threads: Threads, error: Error): void {
    if (this.threads !== threads) return;
    this.threads = undefined;
    for (const worker of [threads.writer, threads.sync]) void worker.terminate();
    threads.fromSync.close();
    // Reads held for this generation's commits: whether those are on disk is unknown now.
    threads.replies.failed(error);
    for (const batch of this.inFlight.values()) batch.reject(error);
    this.inFlight.clear();
    this.options.onCrash?.(error);
  }
}
