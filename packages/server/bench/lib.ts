/** Helpers of the benchmark: child processes that print their URL, and autocannon runs. */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { createWriteStream, existsSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { Agent, request as httpRequest } from "node:http";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { defaultKeyFile } from "../src/crypto/keyring.ts";

export const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const children: ChildProcess[] = [];

process.on("exit", () => {
  for (const child of children) if (child.exitCode === null) child.kill("SIGKILL");
});

/**
 * Deletes a scratch directory of the benchmark, and the key files made for the databases in it (a
 * server without a configured key makes one in the user's configuration directory,
 * `defaultKeyFile`): the data is gone, and its keys must not pile up there run after run.
 */
export function removeScratch(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir))
    if (name.endsWith(".db")) rmSync(defaultKeyFile(join(dir, name)), { force: true });
  rmSync(dir, { recursive: true, force: true });
}

/** A TypeScript file of this package run with tsx, stdout piped, killed when the benchmark exits. */
function spawnTsx(
  script: string,
  options: { env?: Record<string, string>; nodeArgs?: string[]; stdin: "ignore" | "pipe" },
): ChildProcess {
  const child = spawn(process.execPath, [...(options.nodeArgs ?? []), "--import", "tsx", script], {
    cwd: PACKAGE_DIR,
    env: { ...process.env, ...options.env },
    stdio: [options.stdin, "pipe", "inherit"],
  });
  children.push(child);
  return child;
}

/** Runs a TypeScript file with tsx; resolves once it prints `listening on <url>`. */
export function startProcess(
  script: string,
  env: Record<string, string>,
  nodeArgs: string[] = [],
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawnTsx(script, { env, nodeArgs, stdin: "ignore" });
  return new Promise((resolve, reject) => {
    let out = "";
    const onData = (chunk: Buffer) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        child.stdout!.off("data", onData);
        // Keep draining stdout (request logs) so the child never blocks on a full pipe; into a file
        // with BENCH_SERVER_STDOUT (e.g. with BENCH_SERVER_NODE_ARGS=--trace-gc).
        const keep = process.env.BENCH_SERVER_STDOUT;
        if (keep) child.stdout!.pipe(createWriteStream(keep, { flags: "a" }));
        else child.stdout!.resume();
        resolve({ child, url: match[1]! });
      }
    };
    child.stdout!.on("data", onData);
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`${script} exited with ${code}`)));
  });
}

/**
 * CPU time (user + system, all threads) a child process has used so far, in ms, from
 * /proc/<pid>/stat; null where there is no /proc. Per accepted request, it is the cost of serving
 * one, and far less disturbed than throughput by other tenants of a shared machine (a stolen CPU
 * slows a round down without adding to the server's own CPU time).
 */
export function cpuMs(child: ChildProcess): number | null {
  try {
    return statCpuMs(`/proc/${child.pid}/stat`);
  } catch {
    return null;
  }
}

/** User + system CPU time in ms of a /proc `stat` file (a process's or one of its threads'). */
function statCpuMs(path: string): number {
  const stat = readFileSync(path, "utf8");
  // Fields after the command name (which is in parentheses and may hold spaces).
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  return (ticks * 1000) / CLOCK_TICKS;
}
/**
 * CPU time (user + system) each thread of a child process has used so far, in ms, by thread id,
 * from /proc/<pid>/task; null where there is no /proc. The main (request) thread's id is the pid.
 */
export function threadCpuMs(child: ChildProcess): Map<number, number> | null {
  try {
    const out = new Map<number, number>();
    for (const tid of readdirSync(`/proc/${child.pid}/task`)) {
      out.set(Number(tid), statCpuMs(`/proc/${child.pid}/task/${tid}/stat`));
    }
    return out;
  } catch {
    return null;
  }
}

/**
 * Where a process's CPU went between two `threadCpuMs` readings, in µs per `per` (accepted
 * requests): the request thread; the busiest other thread (under an event load, the writer
 * thread: the threads have no names to tell them apart); and all the others together (V8's GC
 * helpers, the WAL sync thread, the reader thread, libuv's pool).
 */
export function threadSplit(
  pid: number,
  before: Map<number, number>,
  after: Map<number, number>,
  per: number,
): { request: number; busiest: number; others: number } {
  const deltas = [...after].map(([tid, ms]) => [tid, ms - (before.get(tid) ?? 0)] as const);
  const request = deltas.find(([tid]) => tid === pid)?.[1] ?? 0;
  const rest = deltas.filter(([tid]) => tid !== pid).map(([, ms]) => ms);
  const busiest = rest.length ? Math.max(...rest) : 0;
  const others = rest.reduce((a, b) => a + b, 0) - busiest;
  const us = (ms: number) => Math.round((ms * 1000) / per);
  return { request: us(request), busiest: us(busiest), others: us(others) };
}

/**
 * Share of the machine's CPU time taken by the hypervisor for other tenants ("steal") since
 * `since()` was called, in %, from /proc/stat; null where there is none. On a shared VM a run with
 * a high steal measured a smaller machine: the figures print it next to their results.
 */
export function stealMeter(): { since(): number | null } {
  return shareMeter(() => {
    const fields = readFileSync("/proc/stat", "utf8")
      .split("\n")[0]!
      .trim()
      .split(/\s+/)
      .slice(1, 9)
      .map(Number);
    return { part: fields[7]!, whole: fields.reduce((a, b) => a + b, 0) };
  }, 0);
}

/**
 * Share of wall time, from now to `since()`, in which every runnable task waited for the disk
 * (the kernel's pressure stall information, `/proc/pressure/io`, "full"), in percent; null where
 * the kernel does not report it. On these VMs the kernel takes idle file pages back ("Reading the
 * figures", docs/performance.md): a read that finds its page gone waits for the disk, and a run
 * with stalls has a longer tail that no change of ours made.
 */
export function diskStallMeter(): { since(): number | null } {
  return shareMeter(() => {
    const full = readFileSync("/proc/pressure/io", "utf8").match(/^full .*total=(\d+)/m);
    return full ? { part: Number(full[1]) / 1000, whole: performance.now() } : null;
  }, 1);
}

/**
 * `part`'s growth over `whole`'s, from now to `since()`, in percent with `decimals`; null when a
 * counter cannot be read (another kernel) or `whole` did not move.
 */
function shareMeter(
  counters: () => { part: number; whole: number } | null,
  decimals: number,
): { since(): number | null } {
  const read = () => {
    try {
      return counters();
    } catch {
      return null;
    }
  };
  const start = read();
  return {
    since() {
      const now = read();
      if (!start || !now || now.whole === start.whole) return null;
      const scale = 10 ** decimals;
      return Math.round((scale * 100 * (now.part - start.part)) / (now.whole - start.whole)) / scale;
    },
  };
}

/**
 * Writes the kernel still holds for the disk (dirty and under writeback, in MB, from
 * /proc/meminfo), flushed with `sync` before a phase: a phase before (the fill writes 3 GB, the
 * event runs hundreds of MB) would otherwise be written back during the next one and slow its
 * fsyncs, a cost of the benchmark's order of phases rather than of the workload measured. Null
 * figures where there is no /proc.
 */
export function settleWriteback(): { pendingMb: number | null; seconds: number } {
  let pendingMb: number | null = null;
  try {
    const meminfo = readFileSync("/proc/meminfo", "utf8");
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, "m").exec(meminfo)?.[1] ?? 0);
    pendingMb = Math.round((kb("Dirty") + kb("Writeback")) / 1024);
  } catch {}
  const started = performance.now();
  execFileSync("sync");
  return { pendingMb, seconds: Math.round((performance.now() - started) / 100) / 10 };
}

/** USER_HZ: 100 on every Linux build we run on (getconf CLK_TCK). */
const CLOCK_TICKS = 100;

export async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

export interface Figures {
  requests: number;
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
  non2xx: number;
  errors: number;
  /** Count per HTTP status. */
  statuses: Record<string, number>;
}

export function figures(result: autocannon.Result): Figures {
  return {
    requests: result.requests.total,
    rps: Math.round(result.requests.average),
    p50: result.latency.p50,
    p90: result.latency.p90,
    p99: result.latency.p99,
    max: result.latency.max,
    non2xx: result.non2xx,
    errors: result.errors,
    statuses: Object.fromEntries(
      Object.entries(result.statusCodeStats ?? {}).map(([code, stat]): [string, number] => [
        code,
        stat?.count ?? 0,
      ]),
    ),
  };
}

export function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** Bearer token sent by every request of the benchmark (the real server runs with its protections). */
export const auth = { token: "" };
export const authHeaders = (): Record<string, string> =>
  auth.token ? { authorization: `Bearer ${auth.token}` } : {};

export async function post(
  url: string,
  body: unknown,
): Promise<{ status: number; json: Record<string, unknown>; text: string }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...authHeaders() },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, json: JSON.parse(text), text };
}

/** The body of the benchmark's event: RISK_ASSESSED (a targetless transition) at `revision`. */
const riskAssessed = (level: number, revision: number) =>
  `{"type":"RISK_ASSESSED","data":{"riskLevel":${level}},"expectedRevision":${revision}}`;

/**
 * Event load over a pool of cases: each request takes a free case, sends RISK_ASSESSED (a targetless
 * transition) with the case's current revision, and gives the case back with the revision of the
 * answer. A connection has one request in flight, so no two requests race for one case.
 * `overallRate` caps the requests per second (all connections together); without it, as fast as
 * the connections go.
 */
export function eventLoad(
  url: string,
  cases: { id: string; revision: number }[],
  pathPrefix: string,
  seconds: number,
  connections = 50,
  overallRate?: number,
) {
  // Answers update the callers' objects: a later run on the same cases starts from the right revisions.
  const byId = new Map(cases.map((c) => [c.id, c]));
  const free = cases.map((c) => c.id);
  let level = 0;
  return run({
    url,
    connections,
    duration: seconds,
    ...(overallRate && { overallRate }),
    requests: [
      {
        method: "POST",
        headers: { "content-type": "application/json", ...authHeaders() },
        // The case a connection is on travels in its context: the answer need not be searched for it.
        setupRequest: (request, context) => {
          const id = free.shift()!;
          const revision = byId.get(id)!.revision;
          Object.assign(context, { id, revision });
          level = (level % 5) + 1;
          return {
            ...request,
            path: `${pathPrefix}/${id}/events`,
            body: riskAssessed(level, revision),
          };
        },
        // An accepted event is revision + 1 (the history count checked after the run confirms it);
        // a refused one leaves the case out of the pool.
        onResponse: (status, _body, context) => {
          const { id, revision } = context as { id: string; revision: number };
          if (status === 200) {
            byId.get(id)!.revision = revision + 1;
            free.push(id);
          }
        },
      },
    ],
  });
}

/**
 * What a paced run sends: GETs cycling through `paths`, or events cycling through `cases` (each a
 * RISK_ASSESSED at the case's current revision, under `pathPrefix`; an accepted one moves the case's
 * revision on, as `eventLoad` does).
 */
export type PacedLoad =
  | { paths: string[] }
  | { cases: { id: string; revision: number }[]; pathPrefix: string };

/**
 * Open-loop load at a steady rate: one request every 1000/rate ms, whether or not the previous ones
 * have answered. What a request costs when the server is not saturated — autocannon's
 * `overallRate` sends each second's quota in a burst at the start of the second, so its latencies
 * are those of a saturated server.
 *
 * The client is node:http on keep-alive connections, the body drained, not kept: Node's fetch
 * added p99 5 ms of its own against a bare server (docs/performance.md, "Part of that tail was the
 * load generator's"). Run it in a fresh process (`pacedInFreshProcess`) where latency is the figure.
 * Events cycle through their cases: with more cases than events a second, a case's next event
 * leaves after its last one was answered.
 */
export async function paced(
  url: string,
  load: PacedLoad,
  options: { rate: number; seconds: number; headers?: Record<string, string> },
): Promise<Figures> {
  const total = Math.round(options.rate * options.seconds);
  const interval = 1000 / options.rate;
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const agent = new Agent({ keepAlive: true });
  const send = (i: number, sent: number) =>
    new Promise<void>((resolve) => {
      const event = "cases" in load ? load.cases[i % load.cases.length]! : undefined;
      const path =
        "paths" in load ? load.paths[i % load.paths.length]! : `${load.pathPrefix}/${event!.id}/events`;
      const req = httpRequest(
        `${url}${path}`,
        {
          agent,
          method: event ? "POST" : "GET",
          headers: { ...(event && { "content-type": "application/json" }), ...(options.headers ?? {}) },
        },
        (res) => {
          res.on("data", () => undefined);
          res.on("end", () => {
            latencies.push(performance.now() - sent);
            const status = String(res.statusCode);
            statuses[status] = (statuses[status] ?? 0) + 1;
            if (event && res.statusCode === 200) event.revision += 1;
            resolve();
          });
          res.on("error", () => {
            errors++;
            resolve();
          });
        },
      );
      req.on("error", () => {
        errors++;
        resolve();
      });
      req.end(event ? riskAssessed((i % 5) + 1, event.revision) : undefined);
    });
  const started = performance.now();
  const inFlight: Promise<void>[] = [];
  for (let i = 0; i < total; i++) {
    const due = started + i * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    inFlight.push(send(i, performance.now()));
  }
  await Promise.all(inFlight);
  const elapsed = (performance.now() - started) / 1000;
  agent.destroy();
  return latencyFigures(latencies, latencies.length / elapsed, statuses, errors);
}

/** `paced` run by `bench/paced-child.ts` in a fresh process (see there why). */
export function pacedInFreshProcess(
  url: string,
  load: PacedLoad,
  options: Parameters<typeof paced>[2],
): Promise<Figures> {
  const child = spawnTsx("bench/paced-child.ts", { stdin: "pipe" });
  child.stdin!.end(JSON.stringify({ url, load, options }));
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) resolve(JSON.parse(out) as Figures);
      else reject(new Error(`bench/paced-child.ts exited with ${code}`));
    });
  });
}

/** Figures of a list of latencies (ms) seen at `rps` requests per second. */
export function latencyFigures(
  latencies: number[],
  rps: number,
  statuses: Record<string, number> = {},
  errors = 0,
): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (q: number) =>
    Math.round(sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0);
  const ok = Object.entries(statuses).reduce(
    (n, [status, count]) => n + (status.startsWith("2") ? count : 0),
    0,
  );
  return {
    requests: sorted.length,
    rps: Math.round(rps),
    p50: at(0.5),
    p90: at(0.9),
    p99: at(0.99),
    max: Math.round(sorted.at(-1) ?? 0),
    non2xx: Object.keys(statuses).length === 0 ? 0 : sorted.length - ok,
    errors,
    statuses,
  };
}

/**
 * The server's own time per request, from its access log (`responseTime` of each "request
 * completed" line: from the request's arrival to its answer written, audit entry made durable
 * included): what the server adds, apart from the load generator and the machine's scheduling.
 * Call `take(prefix)` after a run for the times of the requests whose URL starts with `prefix`
 * since the previous `take` (lines still buffered by the server's log stream, 4 KiB at most, are
 * left out).
 */
export function accessLogTimes(child: ChildProcess): { take(prefix: string): number[]; stop(): void } {
  let partial = "";
  let seen: { url: string; ms: number }[] = [];
  const onData = (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      if (!line.includes('"responseTime"')) continue;
      try {
        const entry = JSON.parse(line) as { req?: { url?: string }; responseTime?: number };
        if (entry.req?.url && typeof entry.responseTime === "number")
          seen.push({ url: entry.req.url, ms: entry.responseTime });
      } catch {
        // Not a log line of ours.
      }
    }
  };
  child.stdout!.on("data", onData);
  return {
    take(prefix) {
      const times = seen.filter((s) => s.url.startsWith(prefix)).map((s) => s.ms);
      seen = [];
      return times;
    },
    stop() {
      child.stdout!.off("data", onData);
    },
  };
}

/**
 * Waits until the notices the case openings wrote have been delivered (`openNotices` counts those
 * still open in the store), and says how long that took. Opening and screening a case writes two
 * "a case entered your state" notices, which the server's in-process delivery sends over the next
 * seconds, six statements each: measured during the event run, that is load the run does not mean
 * to measure (on PostgreSQL, ~13,000 statements for 1,100 cases, on the pool the events use).
 */
export async function noticesDelivered(openNotices: () => Promise<number> | number, timeoutMs = 120_000) {
  const started = Date.now();
  while ((await openNotices()) > 0) {
    if (Date.now() - started > timeoutMs)
      throw new Error("the case openings' notices were not delivered in time");
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return Date.now() - started;
}

/** Opens `count` cases of the test pathway (ZZ) and screens them: each at revision 2, ready for RISK_ASSESSED. */
export async function openCases(url: string, count: number) {
  const cases: { id: string; revision: number }[] = [];
  const person = { givenName: "Bench", familyName: "Person", ageUncertain: true };
  const identification = { date: "2026-11-02", agency: "police", method: "outreach" };
  for (let start = 0; start < count; start += 50) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(50, count - start) }, async () => {
        const opened = await post(`${url}/v1/cases`, { country: "ZZ", person, identification });
        if (opened.status !== 201) throw new Error(`open case: ${opened.status} ${opened.text}`);
        const id = opened.json.id as string;
        const screened = await post(`${url}/v1/cases/${id}/events`, {
          type: "SCREENING_COMPLETED",
          data: { outcome: "trafficking" },
          expectedRevision: 1,
        });
        if (screened.status !== 200) throw new Error(`screen: ${screened.status} ${screened.text}`);
        return { id, revision: 2 };
      }),
    );
    cases.push(...batch);
  }
  return cases;
}
