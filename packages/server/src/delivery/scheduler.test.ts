/**
 * The in-process scheduler (no Redis) over a real SQLite file, with tasks written by the real
 * store as a transition writes them, and time moved by a manual clock.
 */
import { addDuration } from "@passerelle/engine";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { Channel, NotificationMessage } from "./channels/channel.ts";
import { MemoryChannel } from "./channels/memory.ts";
import { ManualClock } from "./clock.ts";
import { DeliveryHandler } from "./handler.ts";
import { InProcessScheduler } from "./scheduler.ts";
import { type DeliveryFixture, notificationsOf, openFixture, silentLogger } from "./testing.ts";

/** A channel that fails its first `failures` sends. */
class FlakyChannel implements Channel {
  readonly name = "webhook";
  readonly received: NotificationMessage[] = [];
  constructor(private failures: number) {}
  async send(message: NotificationMessage): Promise<void> {
    if (this.failures > 0) {
      this.failures--;
      throw new Error("webhook answered HTTP 503");
    }
    this.received.push(message);
  }
}

let fx: DeliveryFixture;
let clock: ManualClock;

beforeEach(() => {
  fx = openFixture();
  clock = new ManualClock("2026-03-02T08:00:00.000Z");
});
afterEach(() => fx.close());

function scheduler(channels: Channel[], maxAttempts = 3) {
  const handler = new DeliveryHandler(fx.store, {
    channels,
    clock,
    maxAttempts,
    baseBackoffMs: 60_000,
  });
  return new InProcessScheduler({ storage: fx.store, handler, clock, logger: silentLogger });
}

describe("in-process scheduler", () => {
  it("delivers a due reminder once through every channel, and never again", async () => {
    const log = new MemoryChannel("log");
    const hook = new MemoryChannel("webhook");
    const s = scheduler([log, hook]);
    const [task] = await fx.openCaseWithTasks([{ due: "2026-03-02T09:00:00.000Z" }]);

    expect(await s.runDue()).toMatchObject({ sent: 0 });
    expect(log.received).toHaveLength(0);

    clock.set("2026-03-02T09:00:00.000Z");
    expect(await s.runDue()).toMatchObject({ sent: 1 });
    expect(await s.runDue()).toMatchObject({ sent: 0 });
    expect(log.received.map((m) => m.id)).toEqual([`${task!.id}:0`]);
    expect(hook.received.map((m) => m.id)).toEqual([`${task!.id}:0`]);
    expect(log.received[0]).toMatchObject({
      type: "reminder",
      caseId: task!.caseId,
      recipient: { role: "caseworker" },
    });
    expect(JSON.stringify(log.received[0])).not.toMatch(/person|name/i);
    expect(notificationsOf(fx.sqlite, task!.id)).toEqual([
      { step: 0, channel: "log", status: "sent", attempts: 1, role: "caseworker" },
      { step: 0, channel: "webhook", status: "sent", attempts: 1, role: "caseworker" },
    ]);
  });

  it("a task completed just before it falls due sends nothing", async () => {
    const log = new MemoryChannel("log");
    const s = scheduler([log]);
    const [task] = await fx.openCaseWithTasks([{ due: "2026-03-02T09:00:00.000Z" }]);
    await fx.store.transaction((tx) =>
      tx.cases.completeTask(task!.id, { actor: "caseworker-1", at: "2026-03-02T08:59:59.000Z" }),
    );
    clock.set("2026-03-02T09:00:00.000Z");
    await s.runDue();
    expect(log.received).toHaveLength(0);
    expect(notificationsOf(fx.sqlite, task!.id)).toEqual([]);
  });

  it("a job delivered twice, at once or later, sends once", async () => {
    const log = new MemoryChannel("log");
    const handler = new DeliveryHandler(fx.store, { channels: [log], clock });
    const [task] = await fx.openCaseWithTasks([{ due: "2026-03-02T09:00:00.000Z" }]);
    clock.set("2026-03-02T09:00:00.000Z");
    const rung = { taskId: task!.id, step: 0, at: "2026-03-02T09:00:00.000Z" };
    // At once: the second finds the first's lease on the rung and backs off.
    expect(await Promise.all([handler.deliver(rung), handler.deliver(rung)])).toEqual(["sent", "busy"]);
    // Later: the task has moved on to its next rung.
    expect(await handler.deliver(rung)).toBe("stale");
    expect(log.received).toHaveLength(1);
  });

  it("walks the escalation ladder in order, with working days skipping the weekend and a holiday", async () => {
    // Due Thursday 5 March 2026 in Accra; Friday 6 March is a holiday (Independence Day).
    const settings = {
      timezone: "Africa/Accra",
      calendar: { weekend: [6, 7], holidays: ["2026-03-06"] },
      figures: {},
    };
    const due = new Date("2026-03-05T09:00:00.000Z");
    const supervisorAt = addDuration(due, { workingDays: 2 }, settings); // Mon 9, Tue 10
    const committeeAt = addDuration(due, { workingDays: 5 }, settings); // … Fri 13
    expect(supervisorAt.toISOString()).toBe("2026-03-10T09:00:00.000Z");
    expect(committeeAt.toISOString()).toBe("2026-03-13T09:00:00.000Z");
    const log = new MemoryChannel("log");
    const s = scheduler([log]);
    const [task] = await fx.openCaseWithTasks([
      {
        due: due.toISOString(),
        escalation: [
          { at: due.toISOString(), notify: { role: "caseworker", agency: "dsw" } },
          { at: supervisorAt.toISOString(), notify: { role: "supervisor", agency: "dsw" } },
          { at: committeeAt.toISOString(), notify: { role: "committee", agency: "hts" } },
        ],
      },
    ]);
    const seen = () => log.received.map((m) => `${m.type}:${m.recipient.role}`);
    for (const [at, expected] of [
      ["2026-03-05T09:00:00.000Z", ["reminder:caseworker"]],
      ["2026-03-09T23:59:59.000Z", ["reminder:caseworker"]],
      ["2026-03-10T09:00:00.000Z", ["reminder:caseworker", "escalation:supervisor"]],
      ["2026-03-13T08:59:59.000Z", ["reminder:caseworker", "escalation:supervisor"]],
      ["2026-03-20T00:00:00.000Z", ["reminder:caseworker", "escalation:supervisor", "escalation:committee"]],
    ] as const) {
      clock.set(at);
      await s.runDue();
      expect(seen()).toEqual(expected);
    }
    const row = fx.sqlite.prepare("select next_step, next_at from tasks where id = ?").get(task!.id);
    expect(row).toEqual({ next_step: null, next_at: null });
  });

  it("retries a failing channel with backoff, dead-letters it after the last attempt, and still escalates", async () => {
    const log = new MemoryChannel("log");
    const hook = new FlakyChannel(10);
    const s = scheduler([log, hook], 3);
    const [task] = await fx.openCaseWithTasks([
      {
        due: "2026-03-02T09:00:00.000Z",
        escalation: [
          { at: "2026-03-02T09:00:00.000Z", notify: { role: "caseworker", agency: "dsw" } },
          { at: "2026-03-04T09:00:00.000Z", notify: { role: "supervisor", agency: "dsw" } },
        ],
      },
    ]);
    clock.set("2026-03-02T09:00:00.000Z");
    expect(await s.runDue()).toMatchObject({ retry: 1 });
    // Backoff: 60 s after the first failure, then 120 s.
    clock.advance(59_000);
    expect(await s.runDue()).toMatchObject({ retry: 0, sent: 0 });
    clock.advance(1_000);
    expect(await s.runDue()).toMatchObject({ retry: 1 });
    clock.advance(120_000);
    expect(await s.runDue()).toMatchObject({ sent: 1 });
    expect(log.received).toHaveLength(1);
    expect(notificationsOf(fx.sqlite, task!.id)).toEqual([
      { step: 0, channel: "log", status: "sent", attempts: 1, role: "caseworker" },
      { step: 0, channel: "webhook", status: "dead", attempts: 3, role: "caseworker" },
    ]);
    const next = fx.sqlite.prepare("select next_step from tasks where id = ?").get(task!.id);
    expect(next).toEqual({ next_step: 1 });
  });
});
