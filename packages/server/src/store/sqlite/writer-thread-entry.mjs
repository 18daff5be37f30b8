/**
 * Entry of the writer thread (`writer-thread.ts`). A worker thread starts without the TypeScript
 * loader when the process was not started through tsx (under vitest, for one), so it registers
 * tsx itself; registering it twice (a process started with `tsx`) is harmless.
 */
import { register } from "tsx/esm/api";

register();
await import("./writer-thread.ts");
