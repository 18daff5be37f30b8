/**
 * Entry of the store's TypeScript threads (`writer-thread.ts`, `reader-thread.ts`: the module named
 * by `workerData.entry`). A worker thread starts without the TypeScript loader when the process
 * was not started through tsx (under vitest, for one), so it registers tsx itself; registering it
 * twice (a process started with `tsx`) is harmless.
 */
import { workerData } from "node:worker_threads";
import { register } from "tsx/esm/api";

register();
await import(new URL(workerData.entry, import.meta.url).href);
