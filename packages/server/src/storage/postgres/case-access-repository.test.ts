/** Who may reach a case on PostgreSQL: its owner and live grants, by case or by task; reassigning. */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePostgres, type OpenPostgres, openPostgres } from "./open.ts";
import { PostgresRepositories } from "./postgres-repositories.ts";
import { caseGrants, cases, tasks } from "./schema/index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let database: TestDatabase;
let store: OpenPostgres;
const T0 = "2026-03-02T09:00:00.000Z";
beforeAll(async () => {
  database = await createTestDatabase();
  store = openPostgres(database.url);
  await migratePostgres(store.pool);
  const base = {
    country: "GH",
    pathwayVersion: 1,
    stage: "s",
    state: "s",
    snapshot: "{}",
    revision: 1,
    createdAt: T0,
    updatedAt: T0,
  };
  await store.db.insert(cases).values([
    { ...base, id: "owned", agency: "police" },
    { ...base, id: "alone", agency: null },
  ]);
  const grant = { caseId: "owned", grantedAt: T0, grantedBy: "u", basis: "consent" as const };
  await store.db.insert(caseGrants).values([
    { ...grant, agencyId: "GH:shelter" },
    { ...grant, agencyId: "GH:clinic", revokedAt: T0 },
    { ...grant, agencyId: "NG:naptip" },
  ]);
  await store.db.insert(tasks).values({
    id: "task-1",
    caseId: "owned",
    key: "s/x",
    taskId: "x",
    kind: "deadline",
    state: "s",
    status: "open",
    dueAt: T0,
    assignee: "{}",
    assigneeRole: "caseworker",
    escalation: "[]",
    label: "{}",
    occurrence: 1,
    createdAt: T0,
  });
});
afterAll(async () => {
  await store?.pool.end();
  await database?.drop();
});

describe("case access on PostgreSQL", () => {
  const access = () => new PostgresRepositories(store.db, false, { keyring: undefined }).caseAccess;

  it("reads the owner and the live grants, by case and by task", async () => {
    const owned = {
      caseId: "owned",
      country: "GH",
      agency: "police",
      grantedAgencyIds: ["GH:shelter", "NG:naptip"],
    };
    expect(await access().ofCase("owned")).toEqual(owned);
    expect(await access().ofTask("task-1")).toEqual(owned);
    expect(await access().ofCase("alone")).toEqual({
      caseId: "alone",
      country: "GH",
      agency: null,
      grantedAgencyIds: [],
    });
    expect(await access().ofCase("none")).toBeUndefined();
    expect(await access().ofTask("none")).toBeUndefined();
  });

  it("reassigns a case that exists", async () => {
    await store.db.transaction(async (tx) => {
      const repo = new PostgresRepositories(tx, true, { keyring: undefined }).caseAccess;
      expect(await repo.setAssignee("owned", "user-7")).toBe(true);
      expect(await repo.setAssignee("none", "user-7")).toBe(false);
    });
    const [row] = await store.db
      .select({ assignee: cases.assignee })
      .from(cases)
      .where(eq(cases.id, "owned"));
    expect(row?.assignee).toBe("user-7");
  });
});
