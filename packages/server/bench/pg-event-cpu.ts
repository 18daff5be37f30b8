/**
 * CPU time per accepted event on the PostgreSQL store, by process (not a test):
 * `npx tsx bench/pg-event-cpu.ts`.
 *
 * One API instance (separate process, scratch database on the local PostgreSQL, protections on)
 * under the event load of `bench/pg-events.ts` (50 connections, RISK_ASSESSED on 1,000 cases).
 * Prints events/s, p99 and the CPU time (from /proc) spent per accepted event during the measured
 * run by the API process (and its main thread), by all PostgreSQL processes together, and by this
 * process (the load generator). The machine's cores are shared by the three, so the sum is what an
 * event costs the machine; compare two builds by it, alternated, not by events/s.
 * EVENT_CPU_SECONDS sets the measured run (default 10); EVENT_CPU_RATE=n sends n events a second
 * instead of as many as it can (the same batches for both builds).
 */
import { readdirSync, readFileSync } from "node:fs";
import { createTestDatabase } from "../src/storage/postgres/testing.ts";
import { provisionToken } from "../src/testing/auth.ts";
import {
  auth,
  cpuMs,
  eventLoad,
  figures,
  noticesDelivered,
  openCases,
  startProcess,
  stopProcess,
  threadCpuMs,
} from "./lib.ts";
import { newStoreKeys, openNotices, pgServerEnv } from "./pg-fill.ts";

const SECONDS = Number(process.env.EVENT_CPU_SECONDS ?? 10);
const RATE = Number(process.env.EVENT_CPU_RATE ?? 0) || undefined;
const WARM_CASES = 100;
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);

/** CPU ms used so far by every process whose command is `postgres` (the server and its backends). */
function postgresCpuMs(): number {
  return [...postgresCpuByRole().values()].reduce((a, b) => a + b, 0);
}

/** CPU ms used so far by PostgreSQL's processes, by role (client backend, WAL writer, autovacuum…). */
function postgresCpuByRole(): Map<string, number> {
  const byRole = new Map<string, number>();
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      if (!stat.includes("(postgres)")) continue;
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const title = readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ");
      // "postgres: 15/main: <role or user db client(port) state>": a client backend names its client.
      const described = title.replace(/^postgres: (\d+\/main: )?/, "").trim();
      const role = /\S+ \S+ (\d+\.\d+\.\d+\.\d+|\[local\]|::1)/.test(described)
        ? "client backend"
        : described;
      // Clock ticks of 10 ms (USER_HZ = 100 on Linux).
      byRole.set(role, (byRole.get(role) ?? 0) + (Number(fields[11]) + Number(fields[12])) * 10);
    } catch {
      // The process ended between the listing and the read.
    }
  }
  return byRole;
}

const database = await createTestDatabase();
try {
  auth.token = await provisionToken(database.url, { country: "ZZ", agency: "police" });
  const server = await startProcess(
    "src/server.ts",
    pgServerEnv(database.url, newStoreKeys()),
    SERVER_NODE_ARGS,
  );
  const opened = await openCases(server.url, 1000 + WARM_CASES);
  const waited = await noticesDelivered(() => openNotices(database.url));
  process.stderr.write(`notices of the openings delivered after ${waited} ms\n`);
  await eventLoad(server.url, opened.slice(0, WARM_CASES), "/v1/cases", 3);
  const pid = server.child.pid!;
  const apiBefore = cpuMs(server.child)!;
  const mainBefore = threadCpuMs(server.child)!.get(pid)!;
  const pgBefore = postgresCpuMs();
  const rolesBefore = postgresCpuByRole();
  const selfBefore = process.cpuUsage();
  const run = figures(await eventLoad(server.url, opened.slice(WARM_CASES), "/v1/cases", SECONDS, 50, RATE));
  const self = process.cpuUsage(selfBefore);
  const rolesAfter = postgresCpuByRole();
  const per = (ms: number) => Math.round((ms * 1000) / run.requests);
  const result = {
    rps: run.rps,
    p99: run.p99,
    requests: run.requests,
    non2xx: run.non2xx,
    apiUsPerEvent: per(cpuMs(server.child)! - apiBefore),
    apiMainThreadUsPerEvent: per(threadCpuMs(server.child)!.get(pid)! - mainBefore),
    postgresUsPerEvent: per(postgresCpuMs() - pgBefore),
    loadGeneratorUsPerEvent: per((self.user + self.system) / 1000),
    postgresByRole: Object.fromEntries(
      [...rolesAfter]
        .map(([role, ms]) => [role, per(ms - (rolesBefore.get(role) ?? 0))])
        .filter(([, us]) => us !== 0),
    ),
  };
  await stopProcess(server.child);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await database.drop();
}
process.exit(0);
