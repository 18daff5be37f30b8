/**
 * PostgreSQL's own write ceiling on this machine: `pgbench`'s simple-update script (`-b
 * simple-update`, the same as `-N`: one UPDATE of an account, a SELECT, an INSERT into history,
 * committed — the TPC-B-like script without the contended teller and branch updates) with 50
 * clients, on a scratch database created and dropped here. The PostgreSQL store's event figures
 * are compared with it. Not a test.
 *
 * `tsx bench/pgbench.ts` prints the figures; other benchmarks call `runPgbench()` in the same run.
 * `PASSERELLE_BENCH_PG_URL` is the admin connection (default: the local server's `postgres` user).
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { createTestDatabase } from "../src/storage/postgres/testing.ts";

const run = promisify(execFile);

export interface PgbenchOptions {
  adminUrl?: string;
  /** `-s`: 10 = 1,000,000 accounts (~150 MB). */
  scale?: number;
  /** `-c`. */
  clients?: number;
  /** `-j`: pgbench's own threads. */
  threads?: number;
  /** `-T`. */
  seconds?: number;
}

export interface PgbenchFigures {
  /** Committed transactions per second, without the initial connection time (pgbench's figure). */
  tps: number;
  /** pgbench's average latency, ms. */
  latencyAverageMs: number;
  /** From the per-transaction log, ms. */
  latencyP50Ms: number;
  latencyP99Ms: number;
  transactions: number;
  failed: number;
  command: string;
}

/** libpq's connection flags for a URL (a password goes through the environment, not the arguments). */
function connectionArgs(url: string): { args: string[]; env: NodeJS.ProcessEnv } {
  const u = new URL(url);
  const args = ["-h", u.hostname, "-p", u.port || "5432", "-U", decodeURIComponent(u.username || "postgres")];
  const env = { ...process.env, ...(u.password ? { PGPASSWORD: decodeURIComponent(u.password) } : {}) };
  return { args, env };
}

function figure(output: string, pattern: RegExp, name: string): number {
  const match = pattern.exec(output);
  if (!match) throw new Error(`pgbench printed no ${name}:\n${output}`);
  return Number(match[1]);
}

/** Latency percentiles from pgbench's per-transaction logs (`-l`): the third field is µs. */
function logPercentiles(dir: string): { p50: number; p99: number } {
  const micros: number[] = [];
  for (const file of readdirSync(dir))
    for (const line of readFileSync(join(dir, file), "utf8").split("\n")) {
      const field = line.split(" ")[2];
      if (field) micros.push(Number(field));
    }
  micros.sort((a, b) => a - b);
  const at = (q: number) =>
    (micros[Math.min(micros.length - 1, Math.floor(q * micros.length))] ?? Number.NaN) / 1000;
  return { p50: at(0.5), p99: at(0.99) };
}

export async function runPgbench(options: PgbenchOptions = {}): Promise<PgbenchFigures> {
  const scale = options.scale ?? 10;
  const clients = options.clients ?? 50;
  const threads = options.threads ?? 2;
  const seconds = options.seconds ?? 20;
  const database = await createTestDatabase(options.adminUrl ? { adminUrl: options.adminUrl } : {});
  const logs = mkdtempSync(join(tmpdir(), "passerelle-pgbench-"));
  try {
    const { args, env } = connectionArgs(database.url);
    await run("pgbench", [...args, "-i", "-q", "-s", String(scale), database.name], { env });
    const bench = [
      "-b",
      "simple-update",
      "-c",
      String(clients),
      "-j",
      String(threads),
      "-T",
      String(seconds),
    ];
    const { stdout } = await run(
      "pgbench",
      [...args, ...bench, "-l", `--log-prefix=${join(logs, "tx")}`, database.name],
      { env, maxBuffer: 16 * 1024 * 1024 },
    );
    const { p50, p99 } = logPercentiles(logs);
    return {
      tps: figure(stdout, /tps = ([\d.]+) \(without initial connection time\)/, "tps"),
      latencyAverageMs: figure(stdout, /latency average = ([\d.]+) ms/, "latency average"),
      latencyP50Ms: p50,
      latencyP99Ms: p99,
      transactions: figure(stdout, /number of transactions actually processed: (\d+)/, "transaction count"),
      failed: figure(stdout, /number of failed transactions: (\d+)/, "failure count"),
      command: `pgbench -i -s ${scale}; pgbench ${bench.join(" ")}`,
    };
  } finally {
    rmSync(logs, { recursive: true, force: true });
    await database.drop();
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const f = await runPgbench({
    adminUrl: process.env.PASSERELLE_BENCH_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres",
  });
  process.stdout.write(
    `${f.command}\n` +
      `tps ${f.tps.toFixed(0)} · latency average ${f.latencyAverageMs.toFixed(2)} ms · p50 ${f.latencyP50Ms.toFixed(2)} ms · p99 ${f.latencyP99Ms.toFixed(2)} ms · ${f.transactions} transactions, ${f.failed} failed\n`,
  );
}
