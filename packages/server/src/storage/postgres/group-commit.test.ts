/**
 * Group commit on the real PostgreSQL: concurrent writes share transactions, a write that throws
 * rolls back alone, the chain's lock is held before any write runs, and a lost connection rejects
 * the whole batch with nothing of it committed.
 */
import { inArray, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit, auditHead, verifyAudit } from "../../audit/audit-trail.ts";
import { signal } from "../../testing/signal.ts";
import { AUDIT_CHAIN_LOCK_KEY } from "./advisory-locks.ts";
import { PostgresAuditRepository } from "./audit-repository.ts";
import { PgGroupCommit } from "./group-commit.ts";
import type { HeldChain } from "./held-chain.ts";
import { migratePostgres, type OpenPostgres, openPostgres, type PgTx } from "./open.ts";
import { isConnectionFailure } from "./query-failures.ts";
import { cases } from "./schema/index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";
import { caseEventAuditDraft } from "./testing-audit-chain.ts";

let database: TestDatabase;
let store: OpenPostgres;
beforeAll(async () => {
  database = await createTestDatabase();
  store = openPostgres(database.url, { onConnectionError: () => {} });
  await migratePostgres(store.pool);
});
afterAll(async () => {
  await store?.pool.end();
  await database?.drop();
});

const insertCase = (id: string) => async (tx: PgTx) => {
  await tx.insert(cases).values({
    id,
    country: "GH",
    pathwayVersion: 1,
    stage: "s",
    state: "s",
    snapshot: "{}",
    revision: 1,
    createdAt: "2026-03-02T09:00:00.000Z",
    updatedAt: "2026-03-02T09:00:00.000Z",
  });
  return id;
};

const auditDraft = caseEventAuditDraft;

const stored = async (ids: string[]) =>
  (await store.db.select({ id: cases.id }).from(cases).where(inArray(cases.id, ids))).map((r) => r.id).sort();

describe("PostgreSQL group commit", () => {
  it("commits concurrent writes in fewer transactions than writes; a write that throws rolls back alone", async () => {
    const queue = new PgGroupCommit(store.pool);
    const ids = Array.from({ length: 40 }, (_, i) => `batch-${i}`);
    const results = await Promise.allSettled(
      ids.map((id, i) =>
        queue.run(async (tx) => {
          await insertCase(id)(tx);
          if (i === 7) throw new Error("refused after writing");
          return id;
        }),
      ),
    );
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(1);
    expect((results[7] as PromiseRejectedResult).reason).toMatchObject({ message: "refused after writing" });
    expect(await stored(ids)).toEqual(ids.filter((_, i) => i !== 7).sort());
    expect(queue.stats.jobs).toBe(40);
    expect(queue.stats.batches).toBeLessThan(40);
  });

  it("a write failing in the database (a duplicate key) leaves the batch's other writes committed", async () => {
    const queue = new PgGroupCommit(store.pool);
    await queue.run(insertCase("dup"));
    const results = await Promise.allSettled([
      queue.run(insertCase("after-dup-1")),
      queue.run(insertCase("dup")),
      queue.run(insertCase("after-dup-2")),
    ]);
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
    expect(await stored(["after-dup-1", "after-dup-2"])).toEqual(["after-dup-1", "after-dup-2"]);
  });

  it("holds the audit chain's lock before the first write of a batch runs", async () => {
    const queue = new PgGroupCommit(store.pool);
    const held = await queue.run(async (tx) => {
      const rows = await tx.execute(
        sql`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND pid = pg_backend_pid()
              AND granted AND ((classid::bigint << 32) | objid::bigint) = ${AUDIT_CHAIN_LOCK_KEY}::bigint`,
      );
      return (rows.rows[0] as { n: number }).n;
    });
    expect(held).toBe(1);
  });

  it("a lost connection rejects every write of its batch and commits none; the next batch works", async () => {
    const queue = new PgGroupCommit(store.pool);
    const results = await Promise.allSettled([
      queue.run(insertCase("lost-1")),
      queue.run(async (tx) => {
        await tx.execute(sql`SELECT pg_terminate_backend(pg_backend_pid())`);
      }),
      queue.run(insertCase("lost-2")),
    ]);
    expect(results.every((r) => r.status === "rejected")).toBe(true);
    expect(isConnectionFailure((results[0] as PromiseRejectedResult).reason)).toBe(true);
    expect(await stored(["lost-1", "lost-2"])).toEqual([]);
    expect(await queue.run(insertCase("after-loss"))).toBe("after-loss");
  });

  it("appends of one batch link to the head it keeps, and writes rolled back at either attempt take their entries with them", async () => {
    const key = Buffer.alloc(32, 7);
    const queue = new PgGroupCommit(store.pool);
    const before = (await auditHead(new PostgresAuditRepository(store.db, false, key))).seq;
    // Queued in one turn: one batch. The first failure rolls the first attempt back; the later ones
    // fail inside their savepoints, where the kept head must move back with them.
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        queue.run(async (tx, held) => {
          await appendAudit(new PostgresAuditRepository(tx, true, key, held), auditDraft(`case_${i}`));
          if (i % 5 === 4) throw new Error("the write after the audit entry failed");
        }),
      ),
    );
    expect(queue.stats.batches).toBe(1);
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(6);
    const reads = new PostgresAuditRepository(store.db, false, key);
    expect(await verifyAudit(reads)).toMatchObject({ ok: true, checked: before + 24 });
    expect(await reads.list({ limit: 100, targetId: "case_9" })).toEqual([]);
  });

  it("runs independent writes of a batch together, the others one at a time, and keeps one chain", async () => {
    const key = Buffer.alloc(32, 7);
    const queue = new PgGroupCommit(store.pool);
    const before = (await auditHead(new PostgresAuditRepository(store.db, false, key))).seq;
    const steps: string[] = [];
    const write = (name: string) => async (tx: PgTx, held: HeldChain) => {
      steps.push(`start ${name}`);
      await appendAudit(new PostgresAuditRepository(tx, true, key, held), auditDraft(name));
      await insertCase(name)(tx);
      steps.push(`end ${name}`);
    };
    await Promise.all([
      queue.run(write("ind-1"), { independent: true }),
      queue.run(write("ind-2"), { independent: true }),
      queue.run(write("ind-3"), { independent: true }),
      queue.run(write("seq-4")),
      queue.run(write("ind-5"), { independent: true }),
      queue.run(write("ind-6"), { independent: true }),
    ]);
    expect(queue.stats.batches).toBe(1);
    expect(steps).toEqual([
      "start ind-1",
      "start ind-2",
      "start ind-3",
      "end ind-1",
      "end ind-2",
      "end ind-3",
      "start seq-4",
      "end seq-4",
      "start ind-5",
      "start ind-6",
      "end ind-5",
      "end ind-6",
    ]);
    const reads = new PostgresAuditRepository(store.db, false, key);
    expect(await verifyAudit(reads)).toMatchObject({ ok: true, checked: before + 6 });
    expect(await stored(["ind-1", "ind-2", "ind-3", "seq-4", "ind-5", "ind-6"])).toHaveLength(6);
  });

  it("an independent write that fails sends the batch again in savepoints: it alone is refused, with its own error", async () => {
    const key = Buffer.alloc(32, 7);
    const queue = new PgGroupCommit(store.pool);
    const before = (await auditHead(new PostgresAuditRepository(store.db, false, key))).seq;
    await queue.run(insertCase("taken"));
    const results = await Promise.allSettled(
      ["free-1", "taken", "free-2", "free-3"].map((id) =>
        queue.run(
          async (tx, held) => {
            await appendAudit(new PostgresAuditRepository(tx, true, key, held), auditDraft(id));
            // The duplicate key aborts the transaction: the other writes' statements fail with it.
            await insertCase(id)(tx);
          },
          { independent: true },
        ),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled", "fulfilled"]);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ cause: { code: "23505" } });
    const reads = new PostgresAuditRepository(store.db, false, key);
    expect(await verifyAudit(reads)).toMatchObject({ ok: true, checked: before + 3 });
    expect(await reads.list({ limit: 10, targetId: "taken" })).toEqual([]);
    expect(await stored(["free-1", "free-2", "free-3"])).toHaveLength(3);
  });

  it("drain waits for queued writes, then refuses new ones", async () => {
    const queue = new PgGroupCommit(store.pool);
    const pending = queue.run(insertCase("drained"));
    await queue.drain();
    await expect(pending).resolves.toBe("drained");
    await expect(queue.run(insertCase("too-late"))).rejects.toThrow(/closed/);
  });

  it("keeps its connection from one batch to the next while writes keep coming, then gives it back", async () => {
    // A pool of two: the batch's connection and one other. While the first batch runs, a reader
    // holds the other and a second reader waits for a connection; a write queued meanwhile must run
    // on the batch's connection, not wait behind the readers for the pool.
    const small = openPostgres(database.url, { poolSize: 2 });
    const queue = new PgGroupCommit(small.pool);
    const running = signal();
    const gate = signal();
    const first = queue.run(async (tx) => {
      running.fire();
      await gate.done;
      return insertCase("kept-1")(tx);
    });
    await running.done;
    const held = await small.pool.connect();
    const order: string[] = [];
    const waiting = small.pool.connect().then((client) => {
      order.push("reader");
      return client;
    });
    const second = queue.run(insertCase("kept-2")).then((id) => {
      order.push("second batch");
      return id;
    });
    gate.fire();
    expect(await first).toBe("kept-1");
    expect(await second).toBe("kept-2");
    // Once the queue is empty the connection goes back to the pool: the waiting reader gets it.
    const reader = await waiting;
    expect(order).toEqual(["second batch", "reader"]);
    reader.release();
    held.release();
    await small.pool.end();
  });
});
