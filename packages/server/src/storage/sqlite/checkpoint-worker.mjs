/**
 * Worker thread of `checkpointer.ts`: copies the WAL's committed pages into the database file
 * (`PRAGMA wal_checkpoint(PASSIVE)`) on its own connection, so that this I/O and its fsyncs happen
 * off the event loop. Plain JavaScript: a worker thread is started without the TypeScript loader.
 */
import { parentPort, workerData } from "node:worker_threads";
import Database from "better-sqlite3";

const db = new Database(workerData.file, { fileMustExist: true });
// Per connection: a checkpoint run here fsyncs the WAL before copying and the file after.
db.pragma("synchronous = FULL");
// PASSIVE never waits for the writer or readers: it copies what it can and returns.
const checkpoint = db.prepare("PRAGMA wal_checkpoint(PASSIVE)");

function run() {
  try {
    const { log, checkpointed } = checkpoint.get();
    // Reported when pages moved: what tests (and an operator's debugger) can wait on, not the clock.
    if (checkpointed > 0) parentPort.postMessage({ type: "checkpointed", log, checkpointed });
  } catch (error) {
    // The writer's own (rarer) checkpoints still run; report and carry on.
    parentPort.postMessage({ type: "error", message: String(error) });
  }
}

const timer = setInterval(run, workerData.intervalMs);

parentPort.on("message", (message) => {
  if (message === "close") {
    clearInterval(timer);
    db.close();
    parentPort.postMessage({ type: "closed" });
    parentPort.close();
  }
});
