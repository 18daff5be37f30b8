/**
 * When one of the store's threads is ready: its first `{ type: "ready" }` message (it has loaded
 * its code and opened its connection). Rejects if the thread fails or exits first. Only `start`
 * awaits it (the server, before it listens); a thread that dies later is reported to the requests
 * it held by its client.
 */
import type { Worker } from "node:worker_threads";

export function whenReady(worker: Worker, name: string): Promise<void> {
  const ready = new Promise<void>((resolve, reject) => {
    const settle = (error?: Error) => {
      worker.off("message", onMessage);
      worker.off("error", settle);
      worker.off("exit", onExit);
      if (error) reject(error);
      else resolve();
    };
    const onMessage = (message: { type?: unknown }) => {
      if (message?.type === "ready") settle();
    };
    const onExit = (code: number) =>
      settle(new Error(`the ${name} exited with code ${code} before it was ready`));
    worker.on("message", onMessage);
    worker.on("error", settle);
    worker.on("exit", onExit);
  });
  // Awaited only by `start`: without it, a thread that dies would be an unhandled rejection.
  ready.catch(() => {});
  return ready;
}
