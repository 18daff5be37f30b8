/**
 * The list queries of the reads benchmark, in process, without HTTP: for each filter, the query
 * plan (`EXPLAIN QUERY PLAN`) and the median and max time of the store's `listCases` over 50 runs,
 * plus the mean time of `getCase`, as the caseworker the benchmark uses (Ghana's agency).
 *
 *   pnpm --filter @passerelle/server exec tsx bench/list-queries.ts /tmp/p1m/million.db
 */
import Database from "better-sqlite3";
import type { CaseFilter } from "../src/storage/case-store.ts";
import { SqliteCaseStore } from "../src/storage/sqlite/sqlite-case-store.ts";
import { listFilters } from "./list-filters.ts";

const file = process.argv[2];
if (!file) throw new Error("usage: list-queries.ts <database file>");
const db = new Database(file, { readonly: true });
// Record the SQL each filter prepares, to print its plan.
const prepare = db.prepare.bind(db);
let prepared: string[] = [];
db.prepare = ((sql: string) => {
  prepared.push(sql);
  return prepare(sql);
}) as typeof db.prepare;
const store = new SqliteCaseStore(db);
const agency = prepare("SELECT agency FROM cases WHERE country = 'GH' LIMIT 1").pluck().get() as string;
const visibleTo = { country: "GH", agency, agencyKey: `GH:${agency}` };
const now = new Date().toISOString();
const filters = listFilters(agency);
for (const f of filters) {
  const filter: CaseFilter = { visibleTo, now, limit: 50, ...f };
  // A fresh store per filter: two filters can share a cached statement, and its SQL is wanted here.
  const fresh = new SqliteCaseStore(db);
  prepared = [];
  await fresh.cases.list(filter);
  const statements = prepared;
  const times: number[] = [];
  let rows = 0;
  for (let i = 0; i < 50; i++) {
    const started = performance.now();
    rows = (await fresh.cases.list(filter)).length;
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  console.log(
    `${JSON.stringify(f)}: ${rows} rows, median ${times[25]!.toFixed(2)} ms, max ${times[49]!.toFixed(2)} ms`,
  );
  for (const sql of statements) {
    const params = Array(sql.split("?").length - 1).fill("x");
    for (const step of prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[])
      console.log(`    ${step.detail}`);
  }
}
const ids = prepare("SELECT id FROM cases WHERE country = 'GH' AND agency = ? ORDER BY random() LIMIT 2000")
  .pluck()
  .all(agency) as string[];
for (const pass of ["cold", "warm"]) {
  const started = performance.now();
  for (const id of ids) await store.cases.get(id);
  console.log(
    `getCase (${pass}, ${ids.length} random cases): ${((performance.now() - started) / ids.length).toFixed(3)} ms each`,
  );
}
db.close();
