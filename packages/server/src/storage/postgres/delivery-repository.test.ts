/**
 * The PostgreSQL delivery repository: the task and notice outboxes with their compare-and-set
 * updates, who sees a case, and the per-channel claim — including two workers claiming the same
 * (message, channel) at once through the real `claimChannels`: exactly one of them sends. Real
 * PostgreSQL, a database of its own.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { claimChannels } from "../../delivery/channel-sends.ts";
import type { Channel } from "../../delivery/channels/channel.ts";
import type { NewChannelSend } from "../delivery-repository.ts";
import type { Repositories } from "../storage.ts";
import { PostgresDeliveryRepository } from "./delivery-repository.ts";
import { migratePostgres, type OpenPostgres, openPostgres } from "./open.ts";
import { PostgresRepositories } from "./postgres-repositories.ts";
import { caseGrants, cases, notices, notifications, tasks } from "./schema/index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let database: TestDatabase;
let store: OpenPostgres;
let other: OpenPostgres;
let reads: PostgresDeliveryRepository;
beforeAll(async () => {
  database = await createTestDatabase();
  store = openPostgres(database.url);
  other = openPostgres(database.url);
  await migratePostgres(store.pool);
  reads = new PostgresDeliveryRepository(store.db, false);
});
beforeEach(async () => {
  await store.pool.query("TRUNCATE tasks, notices, notifications, case_personal, cases, case_grants");
});
afterAll(async () => {
  await store?.pool.end();
  await other?.pool.end();
  await database?.drop();
});

const T0 = "2026-03-02T09:00:00.000Z";
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();

async function task(id: string, nextAt: string | null, extra: Partial<typeof tasks.$inferInsert> = {}) {
  await store.db.insert(tasks).values({
    id,
    caseId: "case-1",
    key: `s/${id}`,
    taskId: "screen",
    kind: "deadline",
    state: "s",
    status: "open",
    dueAt: nextAt ?? T0,
    assignee: JSON.stringify({ role: "caseworker" }),
    assigneeRole: "caseworker",
    escalation: JSON.stringify([{ step: 0, at: nextAt, notify: { role: "caseworker" } }]),
    label: JSON.stringify({ en: "Screen" }),
    occurrence: 1,
    createdAt: T0,
    nextStep: nextAt === null ? null : 0,
    nextAt,
    ...extra,
  });
}

const inTx = <T>(db: OpenPostgres, work: (repo: PostgresDeliveryRepository) => Promise<T>) =>
  db.db.transaction((tx) => work(new PostgresDeliveryRepository(tx, true)));

describe("PostgreSQL delivery repository: outboxes", () => {
  it("queues rungs within the horizon, oldest first, once; the sweep and unqueue put them back", async () => {
    await task("t3", at(30));
    await task("t1", at(10));
    await task("t2", at(20));
    await task("done", at(5), { status: "done" });
    await task("later", at(600));
    const horizon = at(60);
    const pending = await reads.rungsToQueue(horizon, 10);
    expect(pending).toEqual([
      { taskId: "t1", step: 0, at: at(10) },
      { taskId: "t2", step: 0, at: at(20) },
      { taskId: "t3", step: 0, at: at(30) },
    ]);
    expect(await reads.rungsToQueue(horizon, 2)).toHaveLength(2);
    // A rung that moved since it was read is not marked.
    await inTx(store, (r) => r.markQueued([...pending.slice(0, 2), { ...pending[2]!, at: at(31) }], at(1)));
    expect(await reads.rungsToQueue(horizon, 10)).toEqual([pending[2]]);
    expect(await reads.queuedRungsDueBefore(at(15), 10)).toEqual([pending[0]]);
    await inTx(store, (r) => r.unqueue([pending[0]!]));
    expect((await reads.rungsToQueue(horizon, 10)).map((r) => r.taskId)).toEqual(["t1", "t3"]);
    expect(await inTx(store, (r) => r.unqueueAll())).toBe(1);
    expect(await reads.rungsToQueue(horizon, 10)).toHaveLength(3);
    expect((await reads.dueRungs(at(20), 10)).map((r) => r.taskId)).toEqual(["t1", "t2"]);
  });

  it("moves a rung only from where it still is, and reads a task's ladder", async () => {
    await task("t1", at(10));
    await inTx(store, (r) => r.moveRung("t1", { step: 0, at: at(99) }, { step: 1, at: at(50) }));
    expect(await reads.task("t1")).toMatchObject({ nextStep: 0, nextAt: at(10) });
    await inTx(store, (r) => r.moveRung("t1", { step: 0, at: at(10) }, { step: 1, at: at(50) }));
    const moved = await reads.task("t1");
    expect(moved).toMatchObject({
      id: "t1",
      caseId: "case-1",
      nextStep: 1,
      nextAt: at(50),
      label: { en: "Screen" },
    });
    expect(moved?.escalation).toEqual([{ step: 0, at: at(10), notify: { role: "caseworker" } }]);
    expect(await reads.task("nope")).toBeUndefined();
  });

  it("delivers notices by time, postpones open ones, settles them", async () => {
    const notice = (id: string, nextAt: string) => ({
      id,
      caseId: "case-1",
      state: "s.entered",
      recipientRole: "supervisor",
      recipientAgency: null,
      label: JSON.stringify({ en: "Entered" }),
      status: "open" as const,
      nextAt,
      createdAt: T0,
    });
    await store.db.insert(notices).values([notice("n2", at(2)), notice("n1", at(1)), notice("n9", at(9))]);
    expect((await reads.dueNotices(at(5), 10)).map((n) => n.id)).toEqual(["n1", "n2"]);
    await inTx(store, async (r) => {
      await r.postponeNotice("n1", at(20));
      await r.settleNotice("n2");
    });
    const due = await reads.dueNotices(at(30), 10);
    expect(due.map((n) => [n.id, n.nextAt])).toEqual([
      ["n9", at(9)],
      ["n1", at(20)],
    ]);
    expect(due[0]).toEqual({
      id: "n9",
      caseId: "case-1",
      state: "s.entered",
      recipientRole: "supervisor",
      recipientAgency: null,
      label: { en: "Entered" },
      nextAt: at(9),
    });
  });

  it("says whether an agency owns the case or holds a live grant on it", async () => {
    const base = { country: "GH", pathwayVersion: 1, stage: "s", state: "s", snapshot: "{}", revision: 1 };
    await store.db.insert(cases).values([
      { ...base, id: "owned", agency: "police", createdAt: T0, updatedAt: T0 },
      { ...base, id: "unowned", agency: null, createdAt: T0, updatedAt: T0 },
    ]);
    const grant = { caseId: "unowned", grantedAt: T0, grantedBy: "u", basis: "consent" as const };
    await store.db.insert(caseGrants).values([
      { ...grant, agencyId: "GH:shelter" },
      { ...grant, agencyId: "GH:clinic", revokedAt: T0 },
    ]);
    expect(await reads.agencySees("owned", "police")).toBe(true);
    expect(await reads.agencySees("owned", "shelter")).toBe(false);
    expect(await reads.agencySees("unowned", "shelter")).toBe(true);
    expect(await reads.agencySees("unowned", "clinic")).toBe(false);
    expect(await reads.agencySees("missing", "police")).toBeUndefined();
  });
});

describe("PostgreSQL delivery repository: channel sends", () => {
  const send = (key: string, leaseUntil: string): Omit<NewChannelSend, "channel"> => ({
    key,
    taskId: "t1",
    caseId: "case-1",
    step: 0,
    kind: "reminder",
    recipient: { role: "caseworker", agency: null },
    leaseUntil,
    at: T0,
  });
  const log: Channel = { name: "log", send: async () => {} };

  it("records a claim, a failure, a reclaim and a send", async () => {
    await inTx(store, (r) => r.claimChannelSend({ ...send("t1:0", at(1)), channel: "log" }));
    expect(await reads.channelSend("t1:0", "log")).toEqual({
      status: "sending",
      attempts: 1,
      claimedUntil: at(1),
    });
    await inTx(store, (r) => r.markChannelFailed("t1:0", "log", "failed", "HTTP 502"));
    expect(await reads.channelSend("t1:0", "log")).toEqual({
      status: "failed",
      attempts: 1,
      claimedUntil: null,
    });
    await inTx(store, (r) => r.reclaimChannelSend("t1:0", "log", at(3)));
    expect(await reads.channelSend("t1:0", "log")).toEqual({
      status: "sending",
      attempts: 2,
      claimedUntil: at(3),
    });
    await inTx(store, (r) => r.markChannelSent("t1:0", "log", at(2)));
    const [row] = await store.db.select().from(notifications);
    expect(row).toMatchObject({
      status: "sent",
      sentAt: at(2),
      lastError: null,
      claimedUntil: null,
      attempts: 2,
    });
  });

  it("of two workers claiming one message at once, exactly one sends — first claim and retry alike", async () => {
    for (let round = 0; round < 10; round++) {
      const key = `t${round}:0`;
      if (round % 2 === 1) {
        // A retry: the message failed before; both workers find it to reclaim.
        await inTx(store, (r) => r.claimChannelSend({ ...send(key, at(1)), channel: "log" }));
        await inTx(store, (r) => r.markChannelFailed(key, "log", "failed", "timeout"));
      }
      const claims = await Promise.allSettled(
        [store, other].map((db) =>
          db.db.transaction((tx) =>
            claimChannels(
              // Reads only `delivery`; not every area is on PostgreSQL yet.
              new PostgresRepositories(tx, true, { keyring: undefined }) as unknown as Repositories,
              [log],
              send(key, at(5)),
            ),
          ),
        ),
      );
      const sending = claims.filter((c) => c.status === "fulfilled" && c.value.toSend.length === 1);
      expect(sending, `round ${round}`).toHaveLength(1);
      const [row] = await store.db.select().from(notifications).where(eq(notifications.key, key));
      expect(row?.attempts).toBe(round % 2 === 1 ? 2 : 1);
    }
  });
});
