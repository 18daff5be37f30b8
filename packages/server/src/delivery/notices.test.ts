/**
 * "Responsible roles are told": a state naming `responsible` roles sends each of them a notice when
 * a case enters it, through the reminder channels, recorded per channel like reminders — on a real
 * pathway, a real store (SQLite, or PostgreSQL in the `server-postgres` project) and the real write path, with time moved by a manual clock.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { build, type TestApp } from "../testing/build.ts";
import { ADULT, countRows, IDENTIFICATION, openCase } from "../testing/fixtures.ts";
import type { Channel, NotificationMessage } from "./channels/channel.ts";
import { MemoryChannel } from "./channels/memory.ts";
import { ManualClock } from "./clock.ts";
import { DeliveryHandler } from "./handler.ts";
import { NoticeHandler } from "./notice-handler.ts";
import { InProcessScheduler } from "./scheduler.ts";
import { silentLogger } from "./testing.ts";

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

let t: TestApp;
let clock: ManualClock;
beforeEach(async () => {
  t = await build();
  // Ahead of the requests (which run on the system clock), so that what they write is due.
  clock = new ManualClock(Date.now() + 3_600_000);
});
afterEach(() => t.close());

function scheduler(channels: Channel[]) {
  const store = t.app.store;
  const options = { channels, clock, maxAttempts: 3, baseBackoffMs: 60_000 };
  return new InProcessScheduler({
    storage: store,
    handler: new DeliveryHandler(store, options),
    notices: new NoticeHandler(store, options),
    clock,
    logger: silentLogger,
  });
}

async function openGhanaCase(): Promise<string> {
  return (await openCase(t.app, ADULT, "GH", { ...IDENTIFICATION, agency: "police-ahtu" })).id;
}

describe("notices to the responsible roles of a state", () => {
  it("tells the role at the agency once, through every channel, and records it like a reminder", async () => {
    const log = new MemoryChannel("log");
    const hook = new MemoryChannel("webhook");
    const s = scheduler([log, hook]);
    const caseId = await openGhanaCase();

    expect(await s.runDue()).toMatchObject({ notices: 1 });
    expect(await s.runDue()).toMatchObject({ notices: 0 });
    for (const channel of [log, hook]) {
      expect(channel.received).toHaveLength(1);
      expect(channel.received[0]).toMatchObject({
        type: "notice",
        caseId,
        task: null,
        notice: { state: "identification", label: { en: "Identification" } },
        step: 0,
        recipient: { role: "caseworker", agency: "police-ahtu" },
      });
      expect(channel.received[0]!.id).toMatch(/^ntc_/);
    }
    // No personal data in what channels receive.
    expect(JSON.stringify(log.received)).not.toContain(ADULT.familyName);

    const listed = await t.app.inject({ method: "GET", url: `/v1/cases/${caseId}/notifications` });
    expect(listed.statusCode).toBe(200);
    expect(listed.json().items).toEqual(
      ["log", "webhook"].map((channel) =>
        expect.objectContaining({
          kind: "notice",
          channel,
          status: "sent",
          attempts: 1,
          recipient: { role: "caseworker", agency: "police-ahtu" },
        }),
      ),
    );
  });

  it("retries a failed channel after its backoff without sending again where it was sent", async () => {
    const log = new MemoryChannel("log");
    const hook = new FlakyChannel(1);
    const s = scheduler([log, hook]);
    await openGhanaCase();

    expect(await s.runDue()).toMatchObject({ notices: 0 });
    expect([log.received.length, hook.received.length]).toEqual([1, 0]);
    // Not due again before the backoff.
    expect(await s.runDue()).toMatchObject({ notices: 0 });
    expect(hook.received).toHaveLength(0);

    clock.advance(60_000);
    expect(await s.runDue()).toMatchObject({ notices: 1 });
    expect([log.received.length, hook.received.length]).toEqual([1, 1]);
  });

  it("a refused event writes no notice", async () => {
    const s = scheduler([new MemoryChannel("log")]);
    const caseId = await openGhanaCase();
    await s.runDue();
    const refused = await t.app.inject({
      method: "POST",
      url: `/v1/cases/${caseId}/events`,
      payload: { type: "SCREENING_COMPLETED", expectedRevision: 1, data: { outcome: "trafficking" } },
    });
    expect(refused.statusCode).toBe(422);
    expect(await countRows(t.file, "notices")).toBe(1);
  });
});
