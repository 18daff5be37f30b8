/**
 * Durable events on the PostgreSQL store: the real server (protections on) with `DATABASE_URL`
 * naming a scratch database on the local PostgreSQL, under the same load as the SQLite event run
 * (50 connections, RISK_ASSESSED across many cases, each with the right expectedRevision): first one
 * API instance, then two on the same database with the connections split between them (25 each, on
 * disjoint cases, after 3 s of load on both to warm the second). `pgbench`'s simple-update on the
 * same server is this machine's write ceiling.
 *
 * `tsx bench/pg-events.ts` prints the figures; `bench/run.ts` calls `pgEventThroughput()` in its run.
 * With two instances the p99 given is the larger of the two load generators' p99s.
 */
import pg from "pg";
import { createTestDatabase } from "../src/storage/postgres/testing.ts";
import { provisionToken } from "../src/testing/auth.ts";
import {
  auth,
  eventLoad,
  type Figures,
  figures,
  noticesDelivered,
  openCases,
  startProcess,
  stopProcess,
} from "./lib.ts";
import { newStoreKeys, openNotices, pgServerEnv } from "./pg-fill.ts";
import { type PgbenchFigures, runPgbench } from "./pgbench.ts";

export interface PgEventFigures {
  oneInstance: Figures;
  twoInstances: Figures;
  pgbench: PgbenchFigures;
  /** Acknowledged events of both runs against the RISK_ASSESSED history rows stored. */
  acknowledged: number;
  historyRows: number;
}

const log = (line: string) => process.stdout.write(`${line}\n`);
const WARM_CASES = 100;
/** Profiling the API processes under load: BENCH_SERVER_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof". */
const SERVER_NODE_ARGS = (process.env.BENCH_SERVER_NODE_ARGS ?? "").split(" ").filter(Boolean);

export async function pgEventThroughput(seconds: number, cases: number): Promise<PgEventFigures> {
  log(`\n## PostgreSQL event throughput (${seconds} s, 50 connections, ${cases} cases)`);
  const database = await createTestDatabase();
  try {
    const env = pgServerEnv(database.url, newStoreKeys());
    auth.token = await provisionToken(database.url, { country: "ZZ", agency: "police" });
    const first = await startProcess("src/server.ts", env, SERVER_NODE_ARGS);
    // Warm-up and measured runs use separate cases (see `eventThroughput` in run.ts): one set to
    // warm the first instance, one to warm both before the two-instance run.
    const opened = await openCases(first.url, 2 * cases + 2 * WARM_CASES);
    await noticesDelivered(() => openNotices(database.url));
    const warm = opened.slice(0, WARM_CASES);
    const warmBoth = opened.slice(WARM_CASES, 2 * WARM_CASES);
    const forOne = opened.slice(2 * WARM_CASES, 2 * WARM_CASES + cases);
    const forTwo = opened.slice(2 * WARM_CASES + cases);
    await eventLoad(first.url, warm, "/v1/cases", 3);
    const oneInstance = figures(await eventLoad(first.url, forOne, "/v1/cases", seconds));
    log(`PostgreSQL, one API instance: ${JSON.stringify(oneInstance)}`);

    // The second instance is warmed as the first was (steady state is measured, not a cold start:
    // its code compiled, its pool connected and its statements parsed on each connection).
    const second = await startProcess("src/server.ts", env, SERVER_NODE_ARGS);
    /** 25 connections on each instance, each on its own half of `cases`. */
    const onBoth = (cases: typeof opened, forSeconds: number) => {
      const half = Math.floor(cases.length / 2);
      return Promise.all([
        eventLoad(first.url, cases.slice(0, half), "/v1/cases", forSeconds, 25),
        eventLoad(second.url, cases.slice(half), "/v1/cases", forSeconds, 25),
      ]);
    };
    await onBoth(warmBoth, 3);
    const [a, b] = await onBoth(forTwo, seconds);
    const fa = figures(a);
    const fb = figures(b);
    const twoInstances: Figures = {
      requests: fa.requests + fb.requests,
      rps: fa.rps + fb.rps,
      p50: Math.max(fa.p50, fb.p50),
      p90: Math.max(fa.p90, fb.p90),
      p99: Math.max(fa.p99, fb.p99),
      max: Math.max(fa.max, fb.max),
      non2xx: fa.non2xx + fb.non2xx,
      errors: fa.errors + fb.errors,
      statuses: Object.fromEntries(
        [...new Set([...Object.keys(fa.statuses), ...Object.keys(fb.statuses)])].map((code) => [
          code,
          (fa.statuses[code] ?? 0) + (fb.statuses[code] ?? 0),
        ]),
      ),
    };
    log(`PostgreSQL, two API instances: ${JSON.stringify(twoInstances)}`);
    await Promise.all([stopProcess(first.child), stopProcess(second.child)]);
    auth.token = "";

    // Every 2xx is a history row: the runs wrote what they acknowledged.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const { rows } = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM case_history WHERE event_type = 'RISK_ASSESSED'",
    );
    await client.end();
    const historyRows = Number(rows[0]!.n);
    const acknowledged = oneInstance.statuses["200"]! + twoInstances.statuses["200"]!;
    log(
      `acknowledged (measured runs) ${acknowledged}; RISK_ASSESSED history rows (with warm-up) ${historyRows}`,
    );

    const pgbench = await runPgbench({ seconds });
    log(`pgbench simple-update, 50 clients: ${pgbench.tps} tps, p99 ${pgbench.latencyP99Ms} ms`);
    log(
      `PostgreSQL events: one instance ${(oneInstance.rps / pgbench.tps).toFixed(2)}× pgbench, p99 ${oneInstance.p99} ms; two instances ${(twoInstances.rps / pgbench.tps).toFixed(2)}× pgbench, p99 ${twoInstances.p99} ms`,
    );
    return { oneInstance, twoInstances, pgbench, acknowledged, historyRows };
  } finally {
    await database.drop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await pgEventThroughput(Number(process.env.BENCH_SECONDS ?? 15), Number(process.env.BENCH_CASES ?? 1000));
}
