/**
 * Planner statistics kept whole across migrations. SQLite has statistics (`sqlite_stat1`) only
 * where ANALYZE was run; a migration that creates an index then leaves that index without any,
 * while the indexes analysed before keep theirs. The planner guesses that an index without
 * statistics matches a handful of rows, and may prefer it to the right one: over a million cases,
 * a new `(country, agency, assignee, id, …)` index drew an agency's case list away from
 * `(country, agency, id)`, and each page sorted 140,000 cases (0.2 → 30 ms). Where the database has
 * statistics, every index of an analysed table that has none is analysed at start-up (once: it then
 * has them). A database never analysed is left alone: the planner's guesses are alike for all its
 * indexes, and the list queries are written for that case.
 */
import type Database from "better-sqlite3";

/** Analyses each index missing from `sqlite_stat1` on a table that has statistics; their names. */
export function analyseIndexesWithoutStatistics(sqlite: Database.Database): string[] {
  const analysed = sqlite
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'")
    .get();
  if (!analysed) return [];
  const missing = sqlite
    .prepare(
      `SELECT m.name FROM sqlite_master m
       WHERE m.type = 'index'
         -- Tables analysed with rows (the first number is the row count; an empty table gets rows
         -- only for its partial indexes, and analysing its other indexes writes nothing).
         AND m.tbl_name IN (SELECT tbl FROM sqlite_stat1 WHERE idx IS NOT NULL AND CAST(stat AS INTEGER) > 0)
         AND NOT EXISTS (SELECT 1 FROM sqlite_stat1 s WHERE s.idx = m.name)
       ORDER BY m.name`,
    )
    .pluck()
    .all() as string[];
  for (const name of missing) sqlite.exec(`ANALYZE "${name.replaceAll('"', '""')}"`);
  return missing;
}
