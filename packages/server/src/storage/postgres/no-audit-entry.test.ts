/**
 * Work that appends no audit entry (`noAuditEntry`, `no-audit-entry.ts`) on the real PostgreSQL:
 * reminder and notice delivery claim and record their sends while another instance's batch holds
 * the audit chain's lock, and such work that appends all the same fails with nothing stored.
 */
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { appendAudit } from "../../audit/audit-trail.ts";
import { MemoryChannel } from "../../delivery/channels/memory.ts";
import { ManualClock } from "../../delivery/clock.ts";
import { DeliveryHandler } from "../../delivery/handler.ts";
import { NoticeHandler } from "../../delivery/notice-handler.ts";
import { InProcessScheduler } from "../../delivery/scheduler.ts";
import { silentLogger } from "../../delivery/testing.ts";
import { build, type TestApp } from "../../testing/build.ts";
import { ADULT, IDENTIFICATION, openCase } from "../../testing/fixtures.ts";
import { signal } from "../../testing/signal.ts";
import { PgGroupCommit } from "./group-commit.ts";
import { AuditEntryRefused } from "./no-audit-entry.ts";
import { advisoryLockWaits, createTestDatabase } from "./testing.ts";
import { caseEventAuditDraft } from "./testing-audit-chain.ts";

let t: TestApp | undefined;
let other: pg.Pool | undefined;
afterEach(async () => {
  await other?.end();
  await t?.close();
  other = undefined;
  t = undefined;
});

/** A case at Ghana's police anti-trafficking unit: its state names a responsible role, so it has a notice. */
const GHANA_IDENTIFICATION = { ...IDENTIFICATION, agency: "police-ahtu" };

/** Resolves once a session of this database waits for an advisory lock, unless `stop` is set first. */
async function someoneWaitsForTheChain(pool: pg.Pool, stop: { done: boolean }): Promise<void> {
  while (!stop.done && (await advisoryLockWaits(pool)) === 0)
    await new Promise((resolve) => setTimeout(resolve, 20));
}

describe("work that appends no audit entry", () => {
  it("reminders and notices are claimed, sent and recorded while another instance's batch holds the audit chain's lock", async () => {
    t = await build({ file: (await createTestDatabase()).url });
    const caseId = (await openCase(t.app, ADULT, "GH", GHANA_IDENTIFICATION)).id;
    // Far enough ahead that the case's notice and its tasks' first reminders are due.
    const clock = new ManualClock(Date.now() + 30 * 86_400_000);
    const channel = new MemoryChannel("log");
    const options = { channels: [channel], clock };
    const scheduler = new InProcessScheduler({
      storage: t.app.store,
      handler: new DeliveryHandler(t.app.store, options),
      notices: new NoticeHandler(t.app.store, options),
      clock,
      logger: silentLogger,
    });
    // Another instance: its batch holds the chain's lock until the pass below has ended.
    other = new pg.Pool({ connectionString: t.file, max: 2 });
    const gate = signal();
    const holding = signal();
    const holder = new PgGroupCommit(other).run(async () => {
      holding.fire();
      await gate.done;
    });
    await holding.done;

    const pass = scheduler.runDue();
    const stop = { done: false };
    const first = await Promise.race([
      pass.then(() => "delivered"),
      someoneWaitsForTheChain(other, stop).then(() => "waited for the chain's lock"),
    ]);
    stop.done = true;
    gate.fire();
    await holder;
    const report = await pass;
    expect(first).toBe("delivered");
    expect(report).toMatchObject({ notices: 1 });
    expect(report.sent).toBeGreaterThan(0);
    expect(channel.received.map((m) => m.caseId)).toContain(caseId);
  });

  it("such work that appends an audit entry fails with its own error, and nothing of it is stored", async () => {
    t = await build({ file: (await createTestDatabase()).url });
    const caseId = (await openCase(t.app)).id;
    const audited = (await t.app.store.audit.head())?.seq;
    const key = "ntc_refused_append";
    await expect(
      t.app.store.transaction(
        async (tx) => {
          await tx.delivery.claimChannelSend({
            key,
            taskId: key,
            caseId,
            step: 0,
            kind: "notice",
            channel: "log",
            recipient: { role: "caseworker", agency: "police" },
            leaseUntil: new Date(Date.now() + 60_000).toISOString(),
            at: new Date().toISOString(),
          });
          await appendAudit(tx.audit, caseEventAuditDraft(caseId));
        },
        { noAuditEntry: true },
      ),
    ).rejects.toBeInstanceOf(AuditEntryRefused);
    expect(await t.app.store.delivery.channelSend(key, "log")).toBeUndefined();
    expect((await t.app.store.audit.head())?.seq).toBe(audited);
  });
});
