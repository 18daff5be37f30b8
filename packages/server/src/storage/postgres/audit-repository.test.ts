/**
 * The PostgreSQL audit repository under the real `audit/` code: appends from two pools at once
 * stay one chain that `verifyAudit` accepts; lists by target (case events through their history
 * rows), actor and country; and the login throttle's shared counts. Real PostgreSQL.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit, verifyAudit } from "../../audit/audit-trail.ts";
import type { AuditDraft } from "../audit-repository.ts";
import { migratePostgres, type OpenPostgres, openPostgres } from "./open.ts";
import { PostgresRepositories } from "./postgres-repositories.ts";
import { caseHistory, cases } from "./schema/index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let database: TestDatabase;
let first: OpenPostgres;
let second: OpenPostgres;
const auditKey = randomBytes(32);
const deps = { keyring: undefined, auditKey };
beforeAll(async () => {
  database = await createTestDatabase();
  first = openPostgres(database.url);
  second = openPostgres(database.url);
  await migratePostgres(first.pool);
});
afterAll(async () => {
  await first?.pool.end();
  await second?.pool.end();
  await database?.drop();
});

const draft = (i: number, extra: Partial<AuditDraft> = {}): AuditDraft => ({
  actorUserId: `user-${i % 3}`,
  actorAgencyId: i % 2 === 0 ? "GH:police" : "NG:naptip",
  actorRole: "caseworker",
  tokenId: null,
  action: "case.read",
  targetType: "case",
  targetId: `case-${i % 4}`,
  outcome: "allowed",
  reason: null,
  ip: null,
  requestId: `req-${i}`,
  details: { i },
  ...extra,
});
const reads = () => new PostgresRepositories(first.db, false, deps);
const append = (db: OpenPostgres, d: AuditDraft) =>
  db.db.transaction((tx) => appendAudit(new PostgresRepositories(tx, true, deps).audit, d));

describe("PostgreSQL audit repository", () => {
  it("keeps one chain when two instances append at once, and verifies it", async () => {
    await Promise.all(Array.from({ length: 40 }, (_, i) => append(i % 2 === 0 ? first : second, draft(i))));
    expect(await verifyAudit(reads().audit)).toMatchObject({ ok: true, checked: 40, head: { seq: 40 } });
    expect(await reads().audit.head()).toMatchObject({ seq: 40 });
    await expect(reads().audit.append(() => ({ entry: {} as never, detailsJson: null }))).rejects.toThrow(
      "inside a write transaction",
    );
  });

  it("lists by actor, by country, and by case — case events through their history rows", async () => {
    await first.db.insert(cases).values({
      id: "case-ng",
      country: "NG",
      pathwayVersion: 1,
      stage: "s",
      state: "s",
      snapshot: "{}",
      revision: 1,
      createdAt: "2026-03-02T09:00:00.000Z",
      updatedAt: "2026-03-02T09:00:00.000Z",
    });
    const event = await first.db.transaction((tx) =>
      appendAudit(
        new PostgresRepositories(tx, true, deps).audit,
        draft(100, { action: "case.event", targetId: "case-ng", actorAgencyId: "GH:police" }),
      ),
    );
    await first.db.insert(caseHistory).values({
      caseId: "case-ng",
      seq: 1,
      eventType: "open",
      data: "{}",
      toState: "s",
      actor: "user-1",
      at: "2026-03-02T09:00:00.000Z",
      pathwayVersion: 1,
      auditSeq: event.seq,
    });
    await append(first, draft(101, { action: "case.read", targetId: "case-ng", actorAgencyId: "GH:police" }));

    const byActor = await reads().audit.list({ actorUserId: "user-1", limit: 100 });
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((e) => e.actorUserId === "user-1")).toBe(true);
    expect(byActor.map((e) => e.seq)).toEqual([...byActor.map((e) => e.seq)].sort((a, b) => a - b));

    const ofCase = await reads().audit.list({ targetType: "case", targetId: "case-ng", limit: 10 });
    expect(ofCase.map((e) => [e.seq, e.action])).toEqual([
      [41, "case.event"],
      [42, "case.read"],
    ]);
    // Nigeria's entries: its agency's actions and the actions on its case, whoever acted.
    const nigeria = await reads().audit.list({ country: "NG", limit: 100 });
    expect(nigeria.every((e) => e.actorAgencyId === "NG:naptip" || e.targetId === "case-ng")).toBe(true);
    expect(nigeria.map((e) => e.seq)).toEqual(expect.arrayContaining([41, 42]));
    expect(await reads().audit.list({ afterSeq: 41, limit: 5 })).toHaveLength(1);
    expect((await reads().audit.page(40, 10)).map((e) => e.seq)).toEqual([41, 42]);
  });
});

describe("PostgreSQL login throttle", () => {
  it("shares an account's failures, lock and known addresses", async () => {
    const throttle = () => new PostgresRepositories(first.db, false, deps).loginThrottle;
    expect(await throttle().get("user-9")).toBeUndefined();
    const record = { failures: 3, lockedUntil: "2026-03-02T09:15:00.000Z", knownAddresses: [] };
    await first.db.transaction((tx) =>
      new PostgresRepositories(tx, true, deps).loginThrottle.put("user-9", record),
    );
    expect(await throttle().get("user-9")).toEqual(record);
    const reset = {
      failures: 0,
      lockedUntil: null,
      knownAddresses: [{ ip: "10.0.0.1", at: "2026-03-02T09:20:00.000Z" }],
    };
    await first.db.transaction(async (tx) => {
      const repo = new PostgresRepositories(tx, true, deps).loginThrottle;
      expect(await repo.get("user-9")).toEqual(record);
      await repo.put("user-9", reset);
    });
    expect(await new PostgresRepositories(second.db, false, deps).loginThrottle.get("user-9")).toEqual(reset);
  });
});
