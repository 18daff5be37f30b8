import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "./open.ts";
import { olderDatabase } from "./testing-migrations.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe("migration 0004_case_personal", () => {
  it("moves the sealed person and identification of existing cases into case_personal", () => {
    const { root, file, old } = olderDatabase(4);
    dirs.push(root);
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
