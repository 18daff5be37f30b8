import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { analyseIndexesWithoutStatistics } from "./index-statistics.ts";
import { type OpenDatabase, openDatabase } from "./open.ts";

let dir: string | undefined;
let db: OpenDatabase | undefined;
afterEach(() => {
  db?.sqlite.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  db = undefined;
  dir = undefined;
});

function open(): OpenDatabase {
  dir = mkdtempSync(join(tmpdir(), "passerelle-stats-"));
  db = openDatabase(join(dir, "stats.db"));
  return db;
}

/** 3,000 cases of one agency, 30 caseworkers: an agency's list has many rows per (country, agency). */
function fill({ sqlite }: OpenDatabase) {
  const insert = sqlite.prepare(
    `INSERT INTO cases (id, country, pathway_version, stage, state, snapshot, revision, assignee, agency, created_at, updated_at)
     VALUES (?, 'GH', 1, 'screening', 'x', '{}', 1, ?, 'mogcsp', '2026-01-01', '2026-01-01')`,
  );
  sqlite.transaction(() => {
    for (let i = 0; i < 3000; i++) insert.run(`case_${String(i).padStart(5, "0")}`, `cw-${i % 30}`);
  })();
}

const agencyList =
  "SELECT id, stage FROM cases WHERE country = 'GH' AND agency = 'mogcsp' ORDER BY id DESC LIMIT 50";
const plan = ({ sqlite }: OpenDatabase, sql: string) =>
  (sqlite.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[])
    .map((r) => r.detail)
    .join(" | ");

describe("index statistics after migrations", () => {
  it("leaves a database never analysed as it is (and its lists keep their index)", () => {
    const opened = open();
    fill(opened);
    expect(analyseIndexesWithoutStatistics(opened.sqlite)).toEqual([]);
    const stat1 = opened.sqlite.prepare("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'").get();
    expect(stat1).toBeUndefined();
    // Without statistics the planner's guesses are alike for every index: the list keeps its index.
    expect(plan(opened, agencyList)).toBe(
      "SEARCH cases USING INDEX cases_country_agency_id (country=? AND agency=?)",
    );
  });

  it("analyses an index a migration created in an analysed database, so the planner keeps the right index", () => {
    const opened = open();
    fill(opened);
    opened.sqlite.exec("ANALYZE");
    // What a migration does: an index recreated with a trailing column has no statistics.
    opened.sqlite.exec(
      "DROP INDEX cases_country_agency_assignee_id_due; CREATE INDEX cases_country_agency_assignee_id_due ON cases (country, agency, assignee, id, next_due_at)",
    );
    // Unanalysed, it looks selective: the agency's list would read it whole and sort.
    expect(plan(opened, agencyList)).toContain("cases_country_agency_assignee_id_due");
    expect(plan(opened, agencyList)).toContain("USE TEMP B-TREE FOR ORDER BY");

    expect(analyseIndexesWithoutStatistics(opened.sqlite)).toEqual(["cases_country_agency_assignee_id_due"]);
    expect(plan(opened, agencyList)).toBe(
      "SEARCH cases USING INDEX cases_country_agency_id (country=? AND agency=?)",
    );
    // Once analysed, nothing is left to do at the next start.
    expect(analyseIndexesWithoutStatistics(opened.sqlite)).toEqual([]);
  });
});
