import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CaseFilter } from "../case-store.ts";
import { type OpenDatabase, openDatabase } from "./open.ts";
import { SqliteCaseStore } from "./sqlite-case-store.ts";

// Need-to-know lists merge two keyset pages (owned cases, referred cases): these cases exercise the
// merge, the dedup of repeated grants, revocation and the filters on both parts.
const NOW = "2026-06-01T00:00:00.000Z";
const viewer = { country: "GH", agency: "mogcsp", agencyKey: "GH:mogcsp" };
let dir: string;
let db: OpenDatabase;
let store: SqliteCaseStore;

function insertCase(
  id: string,
  fields: { country: string; agency: string | null; stage?: string; assignee?: string; nextDueAt?: string },
) {
  db.sqlite
    .prepare(
      `INSERT INTO cases (id, country, pathway_version, stage, state, snapshot, revision, assignee, agency, next_due_at, created_at, updated_at)
       VALUES (?, ?, 1, ?, 'x', '{}', 1, ?, ?, ?, ?, ?)`,
    )
    .run(
      id,
      fields.country,
      fields.stage ?? "screening",
      fields.assignee ?? null,
      fields.agency,
      fields.nextDueAt ?? null,
      NOW,
      NOW,
    );
}

function grant(caseId: string, agencyId: string, revokedAt: string | null = null) {
  db.sqlite
    .prepare(
      "INSERT INTO case_grants (case_id, agency_id, granted_at, granted_by, basis, purpose, revoked_at) VALUES (?, ?, ?, 'u', 'consent', 'p', ?)",
    )
    .run(caseId, agencyId, NOW, revokedAt);
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "passerelle-list-"));
  db = openDatabase(join(dir, "list.db"));
  store = new SqliteCaseStore(db.sqlite);
  // Ids sort in time order; owned and referred cases interleave.
  insertCase("case_01", { country: "GH", agency: "mogcsp" });
  insertCase("case_02", { country: "NG", agency: "naptip", stage: "shelter" });
  insertCase("case_03", { country: "GH", agency: "mogcsp", stage: "shelter", assignee: "cw-1" });
  insertCase("case_04", {
    country: "GH",
    agency: "police",
    assignee: "cw-2",
    nextDueAt: "2026-05-01T00:00:00.000Z",
  });
  insertCase("case_05", {
    country: "GH",
    agency: "mogcsp",
    assignee: "cw-2",
    nextDueAt: "2026-07-01T00:00:00.000Z",
  });
  insertCase("case_06", { country: "GH", agency: "police", assignee: "cw-1" });
  insertCase("case_07", {
    country: "GH",
    agency: "mogcsp",
    assignee: "cw-2",
    nextDueAt: "2026-05-15T00:00:00.000Z",
  });
  insertCase("case_08", { country: "NG", agency: "naptip" });
  insertCase("case_09", { country: "GH", agency: null });
  grant("case_02", "GH:mogcsp");
  // Referred twice: listed once.
  grant("case_04", "GH:mogcsp");
  grant("case_04", "GH:mogcsp");
  grant("case_06", "GH:mogcsp", NOW);
  grant("case_08", "GH:police");
  // A grant to the owner itself does not list the case twice.
  grant("case_05", "GH:mogcsp");
});
afterAll(() => {
  db.sqlite.close();
  rmSync(dir, { recursive: true, force: true });
});

const ids = async (filter: Partial<CaseFilter>) =>
  (await store.cases.list({ visibleTo: viewer, now: NOW, limit: 50, ...filter })).map((c) => c.id);

describe("need-to-know case lists", () => {
  it("list owned and referred cases newest first, each once; revoked and unrelated ones not at all", async () => {
    expect(await ids({})).toEqual(["case_07", "case_05", "case_04", "case_03", "case_02", "case_01"]);
  });

  it("pages through both parts with the keyset cursor", async () => {
    const first = await ids({ limit: 4 });
    const second = await ids({ limit: 4, afterId: first.at(-1) });
    expect(first).toEqual(["case_07", "case_05", "case_04", "case_03"]);
    expect(second).toEqual(["case_02", "case_01"]);
  });

  it("apply country, stage, assignee and overdue to owned and referred cases alike", async () => {
    expect(await ids({ country: "NG" })).toEqual(["case_02"]);
    expect(await ids({ stage: "shelter" })).toEqual(["case_03", "case_02"]);
    expect(await ids({ assignee: "cw-1" })).toEqual(["case_03"]);
    expect(await ids({ overdue: true })).toEqual(["case_07", "case_04"]);
    expect(await ids({ overdue: false })).toEqual(["case_05", "case_03", "case_02", "case_01"]);
    // "My overdue cases": the due time is read from the assignee indexes, owned and referred.
    expect(await ids({ assignee: "cw-2", overdue: true })).toEqual(["case_07", "case_04"]);
    expect(await ids({ assignee: "cw-2", overdue: false })).toEqual(["case_05"]);
    expect(await ids({ assignee: "cw-2", overdue: true, afterId: "case_07" })).toEqual(["case_04"]);
  });

  it("without need-to-know (protections off) list every case", async () => {
    const all = await store.cases.list({ now: NOW, limit: 50 });
    expect(all.map((c) => c.id)).toHaveLength(9);
  });
});
