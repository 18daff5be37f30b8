/**
 * The request thread's side of the reader thread (`reader-thread.ts`): sends a read, resolves with
 * its serialised answer. Started by `start` (the server does, before it listens) or else on the
 * first read; if it dies, the reads it held fail (500) and the next read starts a new one.
 */
import { Worker } from "node:worker_threads";
import type { KeyringSettings } from "../../crypto/keyring.ts";
import type { ReadAnswer, ReadQuery } from "../case-store.ts";
import type { FromReader, ReaderThreadData, ToReader } from "./reader-thread.ts";
import { whenReady } from "./thread-ready.ts";
import { errorFromWire } from "./writer-wire.ts";

interface Pending {
  resolve: (answer: ReadAnswer) => void;
  reject: (error: Error) => void;
}

export class ReaderThread {
  private worker: Worker | undefined;
  /** Settles when the current thread has loaded, opened its connection and read the pathways. */
  private ready: Promise<void> | undefined;
  private nextId = 1;
  private readonly pending = new Map<number, Pending>();
  private closing: Promise<void> | undefined;

  constructor(private readonly options: { file: string; keys: KeyringSettings | null }) {}

  answer(query: ReadQuery): Promise<ReadAnswer> {
    if (this.closing) return Promise.reject(new Error("the reader thread is closed"));
    const worker = this.started();
    const id = this.nextId++;
    return new Promise<ReadAnswer>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.ref();
      worker.postMessage({ type: "read", id, query } satisfies ToReader);
    });
  }

  /** Starts the thread now; resolves once it is ready to answer. */
  start(): Promise<void> {
    this.started();
    return this.ready!;
  }

  /** Stops the thread once its reads are answered. */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      const worker = this.worker;
      if (!worker) return resolve();
      worker.ref();
      worker.once("exit", () => resolve());
      worker.postMessage({ type: "close" } satisfies ToReader);
    });
    return this.closing;
  }

  private started(): Worker {
    if (this.worker) return this.worker;
    const data: ReaderThreadData = { entry: "./reader-thread.ts", ...this.options };
    const worker = new Worker(new URL("./thread-entry.mjs", import.meta.url), { workerData: data });
    worker.unref();
    this.ready = whenReady(worker, "reader thread");
    worker.on("message", (message: FromReader) => {
      if (message.type === "ready" || message.type === "closed") return;
      const pending = this.pending.get(message.id);
      if (!pending) return;
      this.pending.delete(message.id);
      if (this.pending.size === 0 && !this.closing) worker.unref();
      if (message.type === "answer") pending.resolve(message.answer);
      else pending.reject(errorFromWire(message.error));
    });
    const died = (error: Error) => {
      if (this.worker !== worker) return;
      this.worker = undefined;
      for (const pending of this.pending.values()) pending.reject(error);
      this.pending.clear();
    };
    worker.on("error", died);
    worker.on("exit", (code) => {
      if (!this.closing) died(new Error(`the reader thread exited with code ${code}`));
    });
    this.worker = worker;
    return worker;
  }
}
