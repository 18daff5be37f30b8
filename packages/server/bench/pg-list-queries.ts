/**
 * The list queries of the reads benchmark on PostgreSQL, in process, without HTTP: for each filter,
 * the plan PostgreSQL runs (`EXPLAIN (ANALYZE, BUFFERS)`) and the median and max time of the store's
 * list query over 50 runs, as the caseworker the benchmark uses (Ghana's agency).
 *
 *   pnpm --filter @passerelle/server exec tsx bench/pg-list-queries.ts postgres://postgres@127.0.0.1:5432/passerelle_bench_1m
 */
import pg from "pg";
import type { CaseFilter } from "../src/storage/case-store.ts";
import { listCases } from "../src/storage/postgres/case-lists.ts";
import { openPostgres } from "../src/storage/postgres/open.ts";
import { listFilters } from "./list-filters.ts";

const url = process.argv[2];
if (!url) throw new Error("usage: pg-list-queries.ts <postgres URL>");
const { pool, db } = openPostgres(url, { poolSize: 1 });
// Record each statement the store sends, to explain it with the same values.
let sent: { text: string; values: unknown[] } | undefined;
const query = pool.query.bind(pool) as (...args: unknown[]) => Promise<unknown>;
(pool as unknown as { query: (...args: unknown[]) => Promise<unknown> }).query = (...args: unknown[]) => {
  const [first, second] = args;
  if (typeof first === "object" && first !== null && "text" in first)
    sent = {
      text: (first as { text: string }).text,
      values: (first as { values?: unknown[] }).values ?? (second as unknown[]) ?? [],
    };
  else if (typeof first === "string") sent = { text: first, values: (second as unknown[]) ?? [] };
  return query(...args);
};
const raw = new pg.Client({ connectionString: url });
await raw.connect();
const agency = (await raw.query<{ agency: string }>("SELECT agency FROM cases WHERE country = 'GH' LIMIT 1"))
  .rows[0]!.agency;
const visibleTo = { country: "GH", agency, agencyKey: `GH:${agency}` };
const now = new Date().toISOString();
const filters = listFilters(agency);
const verbose = process.env.PLANS !== "0";
for (const f of filters) {
  const filter: CaseFilter = { visibleTo, now, limit: 50, ...f };
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < 50; i++) {
    const started = performance.now();
    rows = (await listCases(db, filter)).length;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${JSON.stringify(f)}: ${rows} rows, median ${times[25]!.toFixed(2)} ms, max ${times[49]!.toFixed(2)} ms`,
  );
  if (verbose && sent) {
    const plan = await raw.query(`EXPLAIN (ANALYZE, BUFFERS) ${sent.text}`, sent.values);
    for (const line of plan.rows) console.log(`    ${line["QUERY PLAN"]}`);
  }
}
await raw.end();
await pool.end();
