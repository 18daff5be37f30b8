/**
 * Referral grants on PostgreSQL: granted, listed, read only through their own case, revoked once —
 * also when two instances revoke at once — and ended by a consent withdrawal (all, or abroad only).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewGrant } from "../grant-repository.ts";
import { migratePostgres, type OpenPostgres, openPostgres } from "./open.ts";
import { PostgresRepositories } from "./postgres-repositories.ts";
import { cases } from "./schema/index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let database: TestDatabase;
let first: OpenPostgres;
let second: OpenPostgres;
const T0 = "2026-03-02T09:00:00.000Z";
beforeAll(async () => {
  database = await createTestDatabase();
  first = openPostgres(database.url);
  second = openPostgres(database.url);
  await migratePostgres(first.pool);
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
  await first.db.insert(cases).values([
    { ...base, id: "case-1" },
    { ...base, id: "case-2" },
  ]);
});
afterAll(async () => {
  await first?.pool.end();
  await second?.pool.end();
  await database?.drop();
});

const grants = (db: OpenPostgres) => new PostgresRepositories(db.db, false, { keyring: undefined }).grants;
const inTx = <T>(db: OpenPostgres, work: (g: PostgresRepositories["grants"]) => Promise<T>) =>
  db.db.transaction((tx) => work(new PostgresRepositories(tx, true, { keyring: undefined }).grants));
const grant = (caseId: string, agencyId: string, extra: Partial<NewGrant> = {}): NewGrant => ({
  caseId,
  agencyId,
  grantedAt: T0,
  grantedBy: "user-1",
  basis: "consent",
  purpose: "shelter placement",
  scopes: ["referral"],
  decidedBy: null,
  decisionGrounds: null,
  ...extra,
});

describe("referral grants on PostgreSQL", () => {
  it("grants, lists and reads a grant only through its own case", async () => {
    const made = await inTx(first, (g) => g.insert(grant("case-1", "GH:shelter")));
    expect(made).toMatchObject({
      caseId: "case-1",
      agencyId: "GH:shelter",
      scopes: ["referral"],
      revokedAt: null,
    });
    expect(await grants(first).get("case-1", made.id)).toEqual(made);
    expect(await grants(first).get("case-2", made.id)).toBeUndefined();
    expect((await grants(first).list("case-1")).map((g) => g.id)).toEqual([made.id]);
  });

  it("revokes a live grant once, even when two instances revoke it at once", async () => {
    const made = await inTx(first, (g) => g.insert(grant("case-2", "GH:clinic")));
    const by = { at: T0, userId: "user-2", reason: "serviceCompleted" as const };
    const results = await Promise.all([
      inTx(first, (g) => g.revoke("case-2", made.id, by)),
      inTx(second, (g) => g.revoke("case-2", made.id, { ...by, userId: "user-3" })),
    ]);
    expect(results.filter((r) => r !== undefined)).toHaveLength(1);
    expect(await grants(first).get("case-2", made.id)).toMatchObject({
      revokedAt: T0,
      revokeReason: "serviceCompleted",
    });
  });

  it("ends the consent-based grants a withdrawal covers", async () => {
    await inTx(first, async (g) => {
      await g.insert(grant("case-1", "NG:naptip"));
      await g.insert(
        grant("case-1", "TG:court", { basis: "bestInterests", scopes: [], decidedBy: "user-9" }),
      );
    });
    expect(await inTx(first, (g) => g.revokeConsentBased("case-1", T0, "abroad"))).toBe(1);
    expect(await inTx(first, (g) => g.revokeConsentBased("case-1", T0, "all"))).toBe(1);
    const state = (await grants(first).list("case-1")).map((g) => [g.agencyId, g.revokedBy]);
    expect(state).toEqual([
      ["GH:shelter", "consent"],
      ["NG:naptip", "consent"],
      ["TG:court", null],
    ]);
  });
});
