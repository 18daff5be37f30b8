/**
 * The server's CPU time per accepted event (not a test): `npx tsx bench/event-cpu.ts`.
 *
 * The real server (separate process, fresh SQLite file, protections on) under the event load of
 * `bench/run.ts` (50 connections, RISK_ASSESSED on 1,000 cases); prints requests per second and the
 * CPU time (from /proc) the whole process and its main thread spent per accepted event during the
 * measured run. On a shared machine throughput swings with the other tenants; CPU time per event
 * much less, so two builds are compared by running this in both at the same time (each in its own
 * checkout), several times. EVENT_CPU_RATE=n sends n events a second instead of as many as it can
 * (the same batches for both builds); EVENT_CPU_SECONDS sets the measured run (default 10);
 * BENCH_LOG_LEVEL the server's log level (default info).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { provisionToken } from "../src/testing/auth.ts";
import { TEST_PATHWAYS_DIR } from "../src/testing/build.ts";
import {
  auth,
  cpuMs,
  eventLoad,
  figures,
  openCases,
  removeScratch,
  startProcess,
  stopProcess,
  threadCpuMs,
} from "./lib.ts";

const SECONDS = Number(process.env.EVENT_CPU_SECONDS ?? 10);
const RATE = Number(process.env.EVENT_CPU_RATE ?? 0) || undefined;
const WARM_CASES = 100;

const dir = mkdtempSync(join(tmpdir(), "passerelle-event-cpu-"));
const file = join(dir, "events.db");
auth.token = await provisionToken(file, { country: "ZZ", agency: "police" });
const server = await startProcess(
  "src/server.ts",
  {
    PORT: "0",
    HOST: "127.0.0.1",
    DATABASE_URL: `file:${file}`,
    LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
    PASSERELLE_EXTRA_PATHWAYS: TEST_PATHWAYS_DIR,
  },
  (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean),
);
const opened = await openCases(server.url, 1000 + WARM_CASES);
// Separate warm-up cases: a request cut off at the end of the warm-up leaves its case at a revision
// the measured run never saw.
await eventLoad(server.url, opened.slice(0, WARM_CASES), "/v1/cases", 3);
const pid = server.child.pid!;
const processBefore = cpuMs(server.child)!;
const mainBefore = threadCpuMs(server.child)!.get(pid)!;
const run = figures(await eventLoad(server.url, opened.slice(WARM_CASES), "/v1/cases", SECONDS, 50, RATE));
const processUs = (cpuMs(server.child)! - processBefore) * 1000;
const mainUs = (threadCpuMs(server.child)!.get(pid)! - mainBefore) * 1000;
await stopProcess(server.child);
removeScratch(dir);
process.stdout.write(
  `${JSON.stringify({
    rps: run.rps,
    p99: run.p99,
    requests: run.requests,
    non2xx: run.non2xx,
    cpuUsPerEvent: Math.round(processUs / run.requests),
    mainThreadUsPerEvent: Math.round(mainUs / run.requests),
  })}\n`,
);
process.exit(0);
