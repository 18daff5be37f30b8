/**
 * The PostgreSQL task repository: ladders rescheduled and reassigned only while open, the case's
 * next due time kept, actions recorded with their reason sealed under the case's own key (opened
 * for the person read, unreadable once the case's salt is erased), notifications and dead letters.
 * Real PostgreSQL, a database of its own.
 */
import { randomBytes } from "node:crypto";
import type { ScheduledEscalation } from "@passerelle/engine";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { generateDataKey } from "../../crypto/data-key.ts";
import { Keyring } from "../../crypto/keyring.ts";
import { migratePostgres, type OpenPostgres, openPostgres } from "./open.ts";
import { PostgresRepositories } from "./postgres-repositories.ts";
import { caseKeys, cases, notifications, taskActions, tasks } from "./schema/index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let database: TestDatabase;
let store: OpenPostgres;
const keyring = new Keyring(generateDataKey());
beforeAll(async () => {
  database = await createTestDatabase();
  store = openPostgres(database.url);
  await migratePostgres(store.pool);
});
beforeEach(async () => {
  await store.pool.query("TRUNCATE tasks, task_actions, notifications, case_keys, case_personal, cases");
  await store.db.insert(cases).values({
    id: "case-1",
    country: "GH",
    pathwayVersion: 3,
    stage: "s",
    state: "s",
    snapshot: "{}",
    revision: 1,
    createdAt: T0,
    updatedAt: T0,
    nextDueAt: at(10),
  });
  await store.db.insert(caseKeys).values({ caseId: "case-1", salt: randomBytes(32) });
  await task("t1", at(10));
  await task("t2", at(30));
});
afterAll(async () => {
  await store?.pool.end();
  await database?.drop();
});

const T0 = "2026-03-02T09:00:00.000Z";
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const ladder = (t: string): ScheduledEscalation[] => [{ step: 0, at: t, notify: { role: "caseworker" } }];

async function task(id: string, dueAt: string, status: "open" | "done" = "open") {
  await store.db.insert(tasks).values({
    id,
    caseId: "case-1",
    key: `s/${id}`,
    taskId: "screen",
    kind: "deadline",
    state: "s",
    status,
    dueAt,
    assignee: JSON.stringify({ role: "caseworker" }),
    assigneeRole: "caseworker",
    escalation: JSON.stringify(ladder(dueAt)),
    label: JSON.stringify({ en: "Screen" }),
    occurrence: 1,
    createdAt: T0,
    nextStep: 0,
    nextAt: dueAt,
    nextQueuedAt: T0,
  });
}

const reads = () => new PostgresRepositories(store.db, false, { keyring });
const write = <T>(work: (r: PostgresRepositories) => Promise<T>) =>
  store.db.transaction((tx) => work(new PostgresRepositories(tx, true, { keyring })));
const nextDueAt = async () =>
  (await store.db.select({ d: cases.nextDueAt }).from(cases).where(eq(cases.id, "case-1")))[0]?.d;

describe("PostgreSQL task repository", () => {
  it("reads a task, its case and its ladder", async () => {
    expect(await reads().tasks.get("t1")).toMatchObject({
      id: "t1",
      caseId: "case-1",
      status: "open",
      dueAt: at(10),
      assignee: { role: "caseworker" },
      label: { en: "Screen" },
      hasNote: false,
    });
    expect(await reads().tasks.caseOf("t1")).toEqual({ caseId: "case-1", country: "GH", pathwayVersion: 3 });
    expect(await reads().tasks.ladder("t1")).toEqual({
      id: "t1",
      caseId: "case-1",
      status: "open",
      dueAt: at(10),
      assignee: { role: "caseworker" },
      escalation: ladder(at(10)),
      nextStep: 0,
    });
    expect(await reads().tasks.get("nope")).toBeUndefined();
    expect(await reads().tasks.caseOf("nope")).toBeUndefined();
  });

  it("reschedules an open task back into the outbox and keeps the case's next due time", async () => {
    await write((r) =>
      r.tasks.reschedule("t1", { dueAt: at(60), escalation: ladder(at(60)), nextAt: at(60) }),
    );
    const [row] = await store.db.select().from(tasks).where(eq(tasks.id, "t1"));
    expect(row).toMatchObject({ dueAt: at(60), nextAt: at(60), nextQueuedAt: null });
    expect(await nextDueAt()).toBe(at(30));
  });

  it("changes nothing of a task no longer open", async () => {
    await task("done", at(5), "done");
    await write(async (r) => {
      await r.tasks.reschedule("done", { dueAt: at(90), escalation: [], nextAt: null });
      await r.tasks.reassign("done", { assignee: { role: "supervisor" }, escalation: [] });
    });
    expect(await reads().tasks.ladder("done")).toMatchObject({
      dueAt: at(5),
      assignee: { role: "caseworker" },
    });
  });

  it("reassigns an open task", async () => {
    await write((r) =>
      r.tasks.reassign("t2", { assignee: { role: "supervisor", agency: "police" }, escalation: [] }),
    );
    const [row] = await store.db.select().from(tasks).where(eq(tasks.id, "t2"));
    expect(row).toMatchObject({ assigneeRole: "supervisor", assigneeAgency: "police", escalation: "[]" });
  });

  it("records actions with their reason sealed under the case's key; erasing the salt erases the reason", async () => {
    const reason = "Survivor asked to postpone the interview";
    await write(async (r) => {
      await r.tasks.recordAction({
        taskId: "t1",
        caseId: "case-1",
        action: "snooze",
        actor: "user-1",
        reason,
        detail: { from: at(10), to: at(60) },
        at: at(1),
      });
      await r.tasks.recordAction({
        taskId: "t1",
        caseId: "case-1",
        action: "reassign",
        actor: "user-2",
        reason: "",
        detail: { to: "supervisor" },
        at: at(2),
      });
    });
    const stored = await store.db.select({ reason: taskActions.reason }).from(taskActions);
    expect(stored.every((s) => s.reason?.startsWith("pse"))).toBe(true);
    expect(JSON.stringify(stored)).not.toContain("postpone");
    expect(await reads().tasks.actionsOf("t1")).toEqual([
      { action: "snooze", actor: "user-1", hasReason: true, detail: { from: at(10), to: at(60) }, at: at(1) },
      { action: "reassign", actor: "user-2", hasReason: true, detail: { to: "supervisor" }, at: at(2) },
    ]);
    expect((await reads().tasks.reasonsOfCase("case-1")).map((r) => r.reason)).toEqual([reason, ""]);

    await store.db.delete(caseKeys).where(eq(caseKeys.caseId, "case-1"));
    await expect(reads().tasks.reasonsOfCase("case-1")).rejects.toThrow();
  });

  it("lists notifications of a task and of a case, and dead letters newest first by keyset", async () => {
    const n = (key: string, step: number, channel: string, status: "sent" | "dead") => ({
      key,
      taskId: "t1",
      caseId: "case-1",
      step,
      kind: "reminder" as const,
      channel,
      recipientRole: "caseworker",
      status,
      attempts: 1,
      createdAt: T0,
    });
    await store.db
      .insert(notifications)
      .values([n("t1:1", 1, "log", "dead"), n("t1:0", 0, "webhook", "sent"), n("t1:0", 0, "log", "dead")]);
    expect((await reads().tasks.notificationsOfTask("t1")).map((x) => `${x.step}/${x.channel}`)).toEqual([
      "0/log",
      "0/webhook",
      "1/log",
    ]);
    const ofCase = await reads().tasks.notificationsOfCase("case-1");
    expect(ofCase.map((x) => x.id)).toEqual([...ofCase.map((x) => x.id)].sort((a, b) => a - b));
    expect(ofCase[0]).toMatchObject({
      key: "t1:1",
      recipient: { role: "caseworker", agency: null },
      sentAt: null,
    });
    const dead = await reads().tasks.deadLetters(10);
    expect(dead.map((x) => x.key)).toEqual(["t1:0", "t1:1"]);
    expect((await reads().tasks.deadLetters(10, dead[0]!.id)).map((x) => x.key)).toEqual(["t1:1"]);
  });

  it("re-times a case's open tasks under compare-and-swap, with a history row; a case that moved on is left alone", async () => {
    await store.pool.query("TRUNCATE case_history");
    const [open] = await reads().tasks.openTasksOf("GH");
    expect(open).toMatchObject({ caseId: "case-1", revision: 1, tasks: [{ id: "t1" }, { id: "t2" }] });
    const retiming = (expectedRevision: number) => ({
      caseId: "case-1",
      expectedRevision,
      at: at(1),
      pathwayVersion: 3,
      state: "s",
      moves: [{ taskId: "t1", dueAt: at(20), escalation: ladder(at(20)), nextStep: 0, nextAt: at(20) }],
      history: { eventType: "CALENDAR_RETIMED", data: { reason: "holiday" }, actor: "committee" },
      auditSeq: null,
    });
    expect(await write((tx) => tx.tasks.retime(retiming(1)))).toBe(true);
    const [c] = await store.db.select().from(cases).where(eq(cases.id, "case-1"));
    expect(c).toMatchObject({ revision: 2, nextDueAt: at(20) });
    expect((await reads().tasks.get("t1"))?.dueAt).toBe(at(20));
    const history = await store.pool.query(
      "SELECT seq, event_type FROM case_history WHERE case_id = 'case-1'",
    );
    expect(history.rows).toEqual([{ seq: 2, event_type: "CALENDAR_RETIMED" }]);
    // The revision read is stale now: nothing moves.
    expect(
      await write((tx) =>
        tx.tasks.retime({ ...retiming(1), moves: [{ ...retiming(1).moves[0]!, dueAt: at(40) }] }),
      ),
    ).toBe(false);
    expect((await reads().tasks.get("t1"))?.dueAt).toBe(at(20));
  });
});
