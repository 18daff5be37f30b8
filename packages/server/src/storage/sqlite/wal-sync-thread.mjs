/**
 * The WAL sync thread: makes the writer thread's commits durable (see `durable-replies.ts`).
 *
 * The writer thread's connection commits with `synchronous = NORMAL`: COMMIT writes the
 * transaction's frames to the WAL file without waiting for the disk. After each COMMIT it asks this
 * thread for a sync of commit n; this thread fdatasyncs the WAL file — the very sync SQLite's FULL
 * would have run inside COMMIT — and tells the request thread "commit n is on disk", which only
 * then answers the requests of commits up to n. Syncs run back to back; the commits made while one
 * runs share the next. Neither the writer thread nor the request thread ever waits for the disk.
 *
 * A failed sync is final: the kernel may have dropped the pages it could not write, so nothing
 * committed since the last good sync may be acknowledged, now or later. Plain JavaScript (no
 * TypeScript loader needed).
 */
import { closeSync, fdatasyncSync, openSync } from "node:fs";
import { parentPort, workerData } from "node:worker_threads";

/** @type {{ walPath: string, fromWriter: import("node:worker_threads").MessagePort, toMain: import("node:worker_threads").MessagePort }} */
const { walPath, fromWriter, toMain } = workerData;

let requested = 0;
let synced = 0;
let scheduled = false;
let failed = false;
/** @type {number | undefined} */
let fd;

fromWriter.on("message", (message) => {
  if (message.type !== "sync") return;
  requested = Math.max(requested, message.commit);
  schedule();
});

parentPort.on("message", (message) => {
  if (message !== "close") return;
  // The request thread closes only once every commit has been answered, hence synced.
  if (fd !== undefined) closeSync(fd);
  fromWriter.close();
  toMain.close();
  parentPort.close();
});

function schedule() {
  if (scheduled || failed) return;
  scheduled = true;
  // After the requests already waiting: one sync covers them all.
  setImmediate(sync);
}

function sync() {
  scheduled = false;
  if (synced >= requested) return;
  const upTo = requested;
  try {
    // The WAL exists once the writer committed; it stays the same file while a connection is open.
    fd ??= openSync(walPath, "r+");
    fdatasyncSync(fd);
  } catch (error) {
    failed = true;
    toMain.postMessage({
      type: "syncFailed",
      message: error instanceof Error ? error.message : String(error),
    });
    return;
  }
  synced = upTo;
  toMain.postMessage({ type: "synced", commit: upTo });
  if (requested > synced) schedule();
}
