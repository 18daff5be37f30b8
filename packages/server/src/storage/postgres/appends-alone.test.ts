/**
 * Batches of audit appends alone (`appends-alone.ts`) on the real PostgreSQL: one statement when
 * the head this process last committed is still the chain's last entry; when it is not — another
 * instance appended, a batch holds the chain's lock, the database went back to an older backup —
 * nothing of that statement is stored, the batch runs as a transaction, and the chain stays one.
 */
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit, auditHead, verifyAudit } from "../../audit/audit-trail.ts";
import { signal } from "../../testing/signal.ts";
import { PostgresAuditRepository } from "./audit-repository.ts";
import { NotAppendOnly, PgGroupCommit } from "./group-commit.ts";
import type { HeldChain } from "./held-chain.ts";
import { migratePostgres, type OpenPostgres, openPostgres, type PgTx } from "./open.ts";
import { driverError } from "./query-failures.ts";
import {
  advisoryLockWaits,
  createTestDatabase,
  type RecordingPool,
  recordingPool,
  type TestDatabase,
} from "./testing.ts";
import { caseEventAuditDraft } from "./testing-audit-chain.ts";

const key = Buffer.alloc(32, 7);
let database: TestDatabase;
let store: OpenPostgres;
let recording: RecordingPool;
beforeAll(async () => {
  database = await createTestDatabase();
  store = openPostgres(database.url, { onConnectionError: () => {} });
  await migratePostgres(store.pool);
  recording = recordingPool(database.url);
});
afterAll(async () => {
  await recording?.pool.end();
  await store?.pool.end();
  await database?.drop();
});

/** Append-only work: one audit entry about `target`. */
const entryAbout = (target: string) => (tx: PgTx, held: HeldChain) =>
  appendAudit(new PostgresAuditRepository(tx, true, key, held), caseEventAuditDraft(target));

const appendOnly = { appendOnly: true };
const reads = () => new PostgresAuditRepository(store.db, false, key);
const headSeq = async () => (await auditHead(reads())).seq;
const targets = async () => (await reads().page(0, 1000)).map((e) => e.targetId);

describe("audit appends alone", () => {
  it("after a batch of this process, a batch of appends is one statement, linked after its head", async () => {
    const queue = new PgGroupCommit(recording.pool);
    await queue.run(entryAbout("alone_first"), appendOnly);
    recording.sent.length = 0;
    const entries = await Promise.all(
      ["alone_a", "alone_b", "alone_c"].map((target) => queue.run(entryAbout(target), appendOnly)),
    );
    expect(recording.sent).toEqual(["passerelle_audit_append_after"]);
    expect(queue.stats).toMatchObject({ appendedAlone: 1, appendedAloneMissed: 0 });
    expect(entries.map((e) => e.seq - entries[0]!.seq)).toEqual([0, 1, 2]);
    expect(await verifyAudit(reads())).toMatchObject({ ok: true, checked: await headSeq() });
    // Work that writes anything else still runs as a transaction behind the chain's lock.
    recording.sent.length = 0;
    await queue.run(entryAbout("alone_in_transaction"));
    expect(recording.sent[0]).toMatch(/^BEGIN; SELECT pg_advisory_xact_lock/);
  });

  it("another instance appended since: nothing of the statement is stored, and the batch runs as a transaction", async () => {
    const here = new PgGroupCommit(store.pool);
    const there = new PgGroupCommit(store.pool);
    await here.run(entryAbout("moved_1"), appendOnly);
    await there.run(entryAbout("moved_2"), appendOnly);
    const entry = await here.run(entryAbout("moved_3"), appendOnly);
    expect(here.stats).toMatchObject({ appendedAlone: 0, appendedAloneMissed: 1 });
    expect(entry.seq).toBe(await headSeq());
    expect((await targets()).slice(-3)).toEqual(["moved_1", "moved_2", "moved_3"]);
    expect(await verifyAudit(reads())).toMatchObject({ ok: true, checked: await headSeq() });
    // After a miss, the next two batches do not try (a third instance's appends would make them
    // miss as well); the one after tries again, and with nobody else appending, succeeds.
    for (const target of ["moved_4", "moved_5"]) await here.run(entryAbout(target), appendOnly);
    expect(here.stats).toMatchObject({ appendedAlone: 0, appendedAloneMissed: 1 });
    await here.run(entryAbout("moved_6"), appendOnly);
    expect(here.stats).toMatchObject({ appendedAlone: 1, appendedAloneMissed: 1 });
  });

  it("where another instance appends between every batch, tries alone back off: twice as many batches skip after each miss", async () => {
    const here = new PgGroupCommit(store.pool);
    const there = new PgGroupCommit(store.pool);
    await here.run(entryAbout("alternate_0"), appendOnly);
    for (let i = 1; i <= 40; i++) {
      await there.run(entryAbout(`alternate_there_${i}`), appendOnly);
      await here.run(entryAbout(`alternate_${i}`), appendOnly);
    }
    // Tries at batches 1, 4, 9, 18, 35 (after misses, 2, 4, 8 then 16 batches skip), all missed.
    expect(here.stats).toMatchObject({ appendedAlone: 0, appendedAloneMissed: 5 });
    expect(await verifyAudit(reads())).toMatchObject({ ok: true, checked: await headSeq() });
  });

  it("waits for the chain's lock before it inserts: a batch holding the lock is never failed by it", async () => {
    const here = new PgGroupCommit(store.pool);
    const there = new PgGroupCommit(store.pool);
    await here.run(entryAbout("locked_1"), appendOnly);
    // `there` holds the lock with the next number read as its own, and waits before its INSERT.
    const gate = signal();
    const holding = signal();
    const holder = there.run(async (tx, chain) => {
      const entry = await entryAbout("locked_holder")(tx, chain);
      holding.fire();
      await gate.done;
      return entry;
    });
    await holding.done;
    const alone = here.run(entryAbout("locked_alone"), appendOnly);
    // The append alone must now wait for the lock (or, were it not taken, have committed already).
    let settled = false;
    void alone.then(
      () => (settled = true),
      () => (settled = true),
    );
    for (let i = 0; i < 100 && !settled && (await advisoryLockWaits(store.pool)) === 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 20));
    gate.fire();
    const [holderEntry, aloneEntry] = await Promise.all([holder, alone]);
    expect(aloneEntry.seq).toBe(holderEntry.seq + 1);
    expect((await targets()).slice(-3)).toEqual(["locked_1", "locked_holder", "locked_alone"]);
    expect(await verifyAudit(reads())).toMatchObject({ ok: true, checked: await headSeq() });
  });

  it("a head no longer in the log (a database restored from an older backup) leaves no gap in the chain", async () => {
    const queue = new PgGroupCommit(store.pool);
    await queue.run(entryAbout("restored_1"), appendOnly);
    const kept = await queue.run(entryAbout("restored_2"), appendOnly);
    // The restore: the log as it was before `kept`, the append-only guard lifted to make it so.
    await store.pool.query(
      `ALTER TABLE audit_log DISABLE TRIGGER audit_log_no_delete;
       DELETE FROM audit_log WHERE seq = ${Number(kept.seq)};
       ALTER TABLE audit_log ENABLE TRIGGER audit_log_no_delete`,
    );
    const entry = await queue.run(entryAbout("restored_3"), appendOnly);
    expect(entry.seq).toBe(kept.seq);
    expect(queue.stats.appendedAloneMissed).toBe(1);
    expect(await verifyAudit(reads())).toMatchObject({ ok: true, checked: await headSeq() });
  });

  it("work run as append-only that sends a statement is refused with its own error; the rest of its batch commits; a batch all refused keeps the head", async () => {
    const queue = new PgGroupCommit(store.pool);
    await queue.run(entryAbout("strict_1"), appendOnly);
    const [refused, appended] = await Promise.allSettled([
      queue.run(async (tx, held) => {
        await entryAbout("strict_refused")(tx, held);
        await tx.execute(sql`SELECT 1`);
      }, appendOnly),
      queue.run(entryAbout("strict_2"), appendOnly),
    ]);
    // Under drizzle's wrapper, as any failed statement.
    expect(driverError((refused as PromiseRejectedResult).reason)).toBeInstanceOf(NotAppendOnly);
    expect(appended.status).toBe("fulfilled");
    expect((await targets()).slice(-2)).toEqual(["strict_1", "strict_2"]);
    expect(await verifyAudit(reads())).toMatchObject({ ok: true, checked: await headSeq() });
    // A batch whose every work was refused sent nothing: the next batch still goes alone.
    await expect(
      queue.run(async () => {
        throw new Error("refused before appending");
      }, appendOnly),
    ).rejects.toThrow("refused before appending");
    const alone = queue.stats.appendedAlone;
    await queue.run(entryAbout("strict_3"), appendOnly);
    expect(queue.stats.appendedAlone).toBe(alone + 1);
  });
});
