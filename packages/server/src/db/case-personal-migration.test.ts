import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { drizzle } from "drizzle-orm/better-sqlite3";
import { migrate } from "drizzle-orm/better-sqlite3/migrator";
import { afterEach, describe, expect, it } from "vitest";
import { MIGRATIONS_DIR, openDatabase } from "./open.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A migrations folder holding only the first `count` migrations: a database as an older release left it. */
function olderMigrations(root: string, count: number): string {
  const folder = join(root, "migrations");
  mkdirSync(join(folder, "meta"), { recursive: true });
  const journal = JSON.parse(readFileSync(join(MIGRATIONS_DIR, "meta/_journal.json"), "utf8"));
  journal.entries = journal.entries.slice(0, count);
  writeFileSync(join(folder, "meta/_journal.json"), JSON.stringify(journal));
  for (const entry of journal.entries as { tag: string }[])
    copyFileSync(join(MIGRATIONS_DIR, `${entry.tag}.sql`), join(folder, `${entry.tag}.sql`));
  return folder;
}

describe("migration 0004_case_personal", () => {
  it("moves the sealed person and identification of existing cases into case_personal", () => {
    const root = mkdtempSync(join(tmpdir(), "passerelle-migrate-"));
    dirs.push(root);
    const file = join(root, "old.db");
    const old = new Database(file);
    migrate(drizzle(old), { migrationsFolder: olderMigrations(root, 4) });
    old
      .prepare(
        `INSERT INTO cases (id, country, pathway_version, stage, state, snapshot, revision, agency, person, identification, created_at, updated_at)
         VALUES ('case_1', 'ZZ', 1, 'screening', 'screening.pending', '{}', 3, 'police', 'pse1.k1.sealed-person', 'pse1.k1.sealed-identification', '2026-01-01T00:00:00.000Z', '2026-01-02T00:00:00.000Z')`,
      )
      .run();
    old.close();

    const { sqlite } = openDatabase(file);
    const moved = sqlite.prepare("SELECT * FROM case_personal").all();
    const columns = (sqlite.prepare("PRAGMA table_info(cases)").all() as { name: string }[]).map(
      (c) => c.name,
    );
    const kept = sqlite.prepare("SELECT id, revision, agency FROM cases").get();
    sqlite.close();
    expect(moved).toEqual([
      { case_id: "case_1", person: "pse1.k1.sealed-person", identification: "pse1.k1.sealed-identification" },
    ]);
    expect(columns).not.toContain("person");
    expect(columns).not.toContain("identification");
    expect(kept).toEqual({ id: "case_1", revision: 3, agency: "police" });
  });
});
