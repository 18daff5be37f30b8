/**
 * What a start-up check of the store's structure costs: `PRAGMA quick_check` against
 * `PRAGMA integrity_check`, on a store filled with `count` cases (`bench/fill.ts`), cold (page cache
 * of the process empty; the OS cache is not dropped) and in pages read per second.
 *
 *   tsx bench/store-check-cost.ts /tmp/store.db 150000   # fills, then measures
 *   tsx bench/store-check-cost.ts /tmp/store.db          # measures an existing store
 */
import { existsSync, statSync } from "node:fs";
import Database from "better-sqlite3";
import { fillStore } from "./fill.ts";

const [file, count] = [process.argv[2], process.argv[3]];
if (!file) throw new Error("usage: store-check-cost.ts <file> [cases to fill]");
if (count && !existsSync(file)) {
  const started = performance.now();
  await fillStore(file, Number(count), (line) => process.stdout.write(`${line}\n`));
  process.stdout.write(`filled ${count} cases in ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
}
const db = new Database(file, { readonly: true });
const cases = db.prepare("SELECT count(*) FROM cases").pluck().get() as number;
const pages = db.pragma("page_count", { simple: true }) as number;
db.close();
const bytes = statSync(file).size;
process.stdout.write(`store: ${cases} cases, ${pages} pages, ${(bytes / 2 ** 20).toFixed(0)} MiB\n`);
for (const pragma of ["quick_check", "integrity_check", "quick_check(1)"]) {
  const fresh = new Database(file, { readonly: true });
  const started = performance.now();
  const result = fresh.pragma(pragma, { simple: true });
  const ms = performance.now() - started;
  fresh.close();
  process.stdout.write(
    `${pragma}: ${ms.toFixed(0)} ms (${(((ms / cases) * 1e6) / 1000).toFixed(2)} s per million cases) → ${result}\n`,
  );
}
