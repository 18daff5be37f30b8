/**
 * Task routes over delivery: reminders visible on the task and the case, snooze and reassign with a
 * reason, overdue lists, dead letters. The app runs the in-process scheduler on a real SQLite file;
 * time for delivery is a manual clock and channels are in memory (one always failing).
 */

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PATHWAYS_DIR } from "@passerelle/definitions";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { buildApp } from "../app.ts";
import { createAgency } from "../auth/directory.ts";
import { loadConfig } from "../config.ts";
import type { Channel } from "../delivery/channels/channel.ts";
import { MemoryChannel } from "../delivery/channels/memory.ts";
import { ManualClock } from "../delivery/clock.ts";
import { TEST_PATHWAYS_DIR } from "../testing/build.ts";
import { ADULT, CHILD, openCase } from "../testing/fixtures.ts";
import { MAX_SNOOZE_DAYS } from "./tasks.ts";

class DownChannel implements Channel {
  readonly name = "webhook";
  async send(): Promise<void> {
    throw new Error("webhook answered HTTP 502");
  }
}

let app: FastifyInstance;
let dir: string;
let clock: ManualClock;
let log: MemoryChannel;
/** What the log channel received about tasks (the notices of states entered are tested on their own). */
const reminders = () => log.received.filter((m) => m.type !== "notice");

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "passerelle-tasks-"));
  clock = new ManualClock(new Date());
  log = new MemoryChannel("log");
  app = await buildApp({
    databaseUrl: join(dir, "test.db"),
    pathwayDirs: [PATHWAYS_DIR, TEST_PATHWAYS_DIR],
    logger: { level: "silent" },
    // The protections are covered by the auth tests; these test delivery.
    protections: false,
    delivery: {
      config: loadConfig({ WEBHOOK_MAX_ATTEMPTS: "1" }),
      clock,
      channels: [log, new DownChannel()],
      // Passes are driven by the test (runDue), not by the timer.
      pollIntervalMs: 3_600_000,
    },
  });
});
afterEach(async () => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

async function screeningTask(caseId: string) {
  const list = await app.inject({ method: "GET", url: `/v1/tasks?status=open&assignee=caseworker` });
  return list.json().items.find((t: { caseId: string }) => t.caseId === caseId) as {
    id: string;
    dueAt: string;
    escalation: { step: number; at: string; notify: { role: string } }[];
  };
}

describe("task delivery routes", () => {
  it("shows the reminder on the task and the case, and dead-letters the channel that never accepted it", async () => {
    const opened = await openCase(app, ADULT);
    const task = await screeningTask(opened.id);
    clock.set(task.dueAt);
    expect(await app.delivery!.scheduler!.runDue()).toMatchObject({ sent: 1 });

    const detail = (await app.inject({ method: "GET", url: `/v1/tasks/${task.id}` })).json();
    expect(detail.notifications).toMatchObject([
      {
        id: `${task.id}:0`,
        kind: "reminder",
        channel: "log",
        status: "sent",
        recipient: { role: "caseworker" },
      },
      {
        id: `${task.id}:0`,
        kind: "reminder",
        channel: "webhook",
        status: "dead",
        attempts: 1,
        lastError: "webhook answered HTTP 502",
      },
    ]);
    const onCase = (await app.inject({ method: "GET", url: `/v1/cases/${opened.id}/notifications` })).json();
    const onCaseReminders = onCase.items.filter((n: { kind: string }) => n.kind !== "notice");
    expect(onCaseReminders.map((n: { channel: string }) => n.channel)).toEqual(["log", "webhook"]);
    const dead = (await app.inject({ method: "GET", url: "/v1/notifications/dead-letters" })).json();
    // The notice of the state entered went the same way on the channel that is down.
    expect(dead.items).toMatchObject([
      { taskId: task.id, kind: "reminder", channel: "webhook", status: "dead" },
      { kind: "notice", channel: "webhook", status: "dead" },
    ]);
    // The person's name never reaches a channel.
    expect(JSON.stringify(log.received)).not.toContain(ADULT.familyName);
    expect(JSON.stringify(log.received)).not.toContain(ADULT.givenName);
  });

  it("snoozes by working days in the pathway's calendar, with a reason, and delivers after the snooze only", async () => {
    const opened = await openCase(app, ADULT);
    const task = await screeningTask(opened.id);
    clock.set(task.dueAt);
    const res = await app.inject({
      method: "POST",
      url: `/v1/tasks/${task.id}/snooze`,
      payload: { for: { workingDays: 3 }, reason: "Interpreter available next week" },
    });
    expect(res.statusCode).toBe(200);
    const snoozed = res.json();
    expect(Date.parse(snoozed.dueAt)).toBeGreaterThan(Date.parse(task.dueAt));
    expect(snoozed.escalation[0].at).toBe(snoozed.dueAt);
    expect(snoozed.actions).toMatchObject([
      {
        action: "snooze",
        actor: "anonymous",
        hasReason: true,
        detail: { fromDueAt: task.dueAt },
      },
    ]);
    // The reason is free text: in the audited person read, not in the task.
    expect(JSON.stringify(snoozed)).not.toContain("Interpreter");
    const person = (await app.inject({ method: "GET", url: `/v1/cases/${opened.id}/person` })).json();
    expect(person.taskActionReasons).toMatchObject([
      { taskId: task.id, action: "snooze", reason: "Interpreter available next week" },
    ]);
    expect(await app.delivery!.scheduler!.runDue()).toMatchObject({ sent: 0 });
    expect(reminders()).toHaveLength(0);
    clock.set(snoozed.dueAt);
    expect(await app.delivery!.scheduler!.runDue()).toMatchObject({ sent: 1 });
    expect(reminders().map((m) => m.id)).toEqual([`${task.id}:0`]);
  });

  it("refuses a snooze that ends in the past, or that gives both until and for", async () => {
    const opened = await openCase(app, ADULT);
    const task = await screeningTask(opened.id);
    const past = await app.inject({
      method: "POST",
      url: `/v1/tasks/${task.id}/snooze`,
      payload: { until: "2020-01-01T00:00:00Z", reason: "x" },
    });
    expect(past.statusCode).toBe(422);
    expect(past.json().code).toBe("PASSERELLE_SNOOZE_NOT_LATER");
    const both = await app.inject({
      method: "POST",
      url: `/v1/tasks/${task.id}/snooze`,
      payload: { until: "2099-01-01T00:00:00Z", for: "P1D", reason: "x" },
    });
    expect(both.statusCode).toBe(400);
    const noReason = await app.inject({
      method: "POST",
      url: `/v1/tasks/${task.id}/snooze`,
      payload: { for: "P1D" },
    });
    expect(noReason.statusCode).toBe(400);
    for (const payload of [
      { for: "P99999Y", reason: "x" },
      { for: "P93D", reason: "x" },
      { until: "2999-01-01T00:00:00Z", reason: "x" },
    ]) {
      const tooLong = await app.inject({ method: "POST", url: `/v1/tasks/${task.id}/snooze`, payload });
      expect(tooLong.statusCode, JSON.stringify(payload)).toBe(422);
      expect(tooLong.json()).toMatchObject({ code: "PASSERELLE_SNOOZE_TOO_LONG", maxDays: MAX_SNOOZE_DAYS });
    }
    const after = await app.inject({ url: `/v1/tasks/${task.id}` });
    expect(after.json().dueAt).toBe(task.dueAt);
  });

  it("reassigns to another agency with a reason; the reminder follows, the escalation stays", async () => {
    const opened = await openCase(app, ADULT);
    const task = await screeningTask(opened.id);
    const unknown = await app.inject({
      method: "POST",
      url: `/v1/tasks/${task.id}/reassign`,
      payload: { assignee: { role: "caseworker", agency: "nowhere" }, reason: "x" },
    });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().code).toBe("PASSERELLE_TASK_ASSIGNEE_INVALID");

    const res = await app.inject({
      method: "POST",
      url: `/v1/tasks/${task.id}/reassign`,
      payload: {
        assignee: { role: "caseworker", agency: "welfare" },
        reason: "Case moved to social welfare",
      },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      assignee: { role: "caseworker", agency: "welfare" },
      escalation: [{ notify: { role: "caseworker", agency: "welfare" } }, { notify: { role: "supervisor" } }],
      actions: [{ action: "reassign", hasReason: true }],
    });
    clock.set(task.dueAt);
    await app.delivery!.scheduler!.runDue();
    // Welfare cannot see the case (never referred there): the owner is asked, naming who waits.
    expect(reminders().map((m) => m.recipient)).toEqual([
      { role: "caseworker", agency: null, awaitingAccess: "welfare" },
    ]);

    const byAgency = (
      await app.inject({ method: "GET", url: "/v1/tasks?overdue=false&agency=welfare" })
    ).json();
    expect(byAgency.items.map((t: { id: string }) => t.id)).toContain(task.id);
    const otherCountry = (
      await app.inject({ method: "GET", url: "/v1/tasks?agency=welfare&country=GH" })
    ).json();
    expect(otherCountry.items).toEqual([]);
    const zz = (await app.inject({ method: "GET", url: "/v1/tasks?agency=welfare&country=ZZ" })).json();
    expect(zz.items.map((t: { id: string }) => t.id)).toEqual([task.id]);
  });

  it("work the pathway gives to an agency that cannot see the case is sent to the owner until it is referred there", async () => {
    /** A child's case in the best-interests assessment, whose task the pathway gives to welfare. */
    const childTask = async () => {
      const opened = await openCase(app, CHILD);
      const screened = await app.inject({
        method: "POST",
        url: `/v1/cases/${opened.id}/events`,
        payload: { type: "SCREENING_COMPLETED", data: { outcome: "trafficking" }, expectedRevision: 1 },
      });
      expect(screened.json().state).toBe("screening.childAssessment");
      const tasks = (await app.inject({ method: "GET", url: "/v1/tasks?status=open&agency=welfare" })).json()
        .items;
      const task = tasks.find((t: { caseId: string }) => t.caseId === opened.id) as {
        id: string;
        escalation: { at: string }[];
      };
      return { caseId: opened.id, task };
    };
    const unreferred = await childTask();
    const referred = await childTask();
    await app.store.transaction((tx) =>
      createAgency(tx.directory, { country: "ZZ", code: "welfare", name: "welfare", kind: "government" }),
    );
    // Referred (a presumed child: on a best-interests decision), welfare can see the second case.
    const grant = await app.inject({
      method: "POST",
      url: `/v1/cases/${referred.caseId}/referrals`,
      payload: {
        agency: "welfare",
        purpose: "best-interests assessment",
        bestInterests: { grounds: "alternativeCare" },
      },
    });
    expect(grant.statusCode, grant.body).toBe(201);

    clock.set(referred.task.escalation[0]!.at);
    await app.delivery!.scheduler!.runDue();
    const byTask = (id: string) => log.received.filter((m) => m.task?.id === id).map((m) => m.recipient);
    expect(byTask(unreferred.task.id)).toEqual([
      { role: "supervisor", agency: null, awaitingAccess: "welfare" },
    ]);
    expect(byTask(referred.task.id)).toEqual([{ role: "supervisor", agency: "welfare" }]);
    const detail = (await app.inject({ method: "GET", url: `/v1/tasks/${unreferred.task.id}` })).json();
    expect(detail.notifications[0].recipient).toMatchObject({ role: "supervisor", agency: null });
  });

  it("a completed task is neither snoozed nor reminded", async () => {
    const opened = await openCase(app, ADULT);
    const task = await screeningTask(opened.id);
    await app.inject({ method: "POST", url: `/v1/tasks/${task.id}/complete`, payload: { note: "done" } });
    const res = await app.inject({
      method: "POST",
      url: `/v1/tasks/${task.id}/snooze`,
      payload: { for: "P1D", reason: "x" },
    });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe("PASSERELLE_TASK_NOT_OPEN");
    clock.set(task.dueAt);
    await app.delivery!.scheduler!.runDue();
    expect(reminders()).toEqual([]);
  });
});
