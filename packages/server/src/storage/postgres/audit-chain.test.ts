/**
 * The audit chain on PostgreSQL: appends from several processes at once form one valid chain, a
 * rolled-back append leaves no gap, and tampering (with the append-only triggers switched off, as
 * the database's owner could) is detected. Real PostgreSQL, a database per test file.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { AuditDraft } from "../audit-repository.ts";
import { migratePostgres, type OpenPostgres, openPostgres } from "./open.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";
import { appendAudit, appendAudits, auditHead, auditPage, verifyAuditChain } from "./testing-audit-chain.ts";

const CHILD = fileURLToPath(new URL("./testing-audit-child.ts", import.meta.url));
const KEY = randomBytes(32);

let database: TestDatabase;
let store: OpenPostgres;
const children: ChildProcess[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  store = openPostgres(database.url);
  await migratePostgres(store.pool);
});
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await store.pool.query("ALTER TABLE audit_log DISABLE TRIGGER USER");
  await store.pool.query("TRUNCATE audit_log");
  await store.pool.query("ALTER TABLE audit_log ENABLE TRIGGER USER");
});
afterAll(async () => {
  await store?.pool.end();
  await database?.drop();
});

const draft = (i: number): AuditDraft => ({
  actorUserId: "user-1",
  actorAgencyId: "GH:police-ahtu",
  actorRole: "caseworker",
  tokenId: "tok-1",
  action: "case.read",
  targetType: "case",
  targetId: `case-${i}`,
  outcome: "allowed",
  reason: null,
  ip: "127.0.0.1",
  requestId: `req-${i}`,
  details: { z: 1, a: [i] },
});

async function appendOne(i: number): Promise<void> {
  await store.db.transaction((tx) => appendAudit(tx, draft(i), KEY).then(() => undefined));
}

function startInstance(name: string, count: number, parallel: number) {
  const child = fork(CHILD, [], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      NAME: name,
      COUNT: String(count),
      PARALLEL: String(parallel),
      CHAIN_KEY: KEY.toString("hex"),
    },
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  children.push(child);
  return new Promise<{ child: ChildProcess; done: Promise<number> }>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`instance exited with ${code} before it was ready`)));
    child.once("message", () => {
      child.removeAllListeners("exit");
      const done = new Promise<number>((ok, fail) => {
        child.once("message", (m) => ok((m as { appended: number }).appended));
        child.once("exit", (code) => fail(new Error(`instance exited with ${code} before reporting`)));
      });
      resolve({ child, done });
    });
  });
}

describe("the audit chain on PostgreSQL", () => {
  it("stays one valid chain when three processes append at once", async () => {
    const instances = await Promise.all(["a", "b", "c"].map((name) => startInstance(name, 60, 4)));
    for (const { child } of instances) child.send("go");
    const appended = await Promise.all(instances.map((i) => i.done));
    expect(appended).toEqual([60, 60, 60]);

    const result = await verifyAuditChain(store.db, KEY, { pageSize: 50 });
    expect(result).toMatchObject({ ok: true, checked: 180, head: { seq: 180 } });
    // The appends really interleaved: the processes' entries are mixed along the chain.
    const actors = (await auditPage(store.db, 0, 180)).map((e) => e.actorUserId);
    const switches = actors.filter((a, i) => i > 0 && a !== actors[i - 1]).length;
    expect(switches).toBeGreaterThan(2);
  });

  it("leaves no gap after a rolled-back append or batch, appends batches in order, and stores details as the hash read them", async () => {
    await appendOne(1);
    await expect(
      store.db.transaction(async (tx) => {
        await appendAudit(tx, draft(2), KEY);
        throw new Error("the write it recorded failed");
      }),
    ).rejects.toThrow("the write it recorded failed");
    await appendOne(3);
    await expect(
      store.db.transaction(async (tx) => {
        await appendAudits(tx, [{ draft: draft(4) }, { draft: draft(5) }], KEY);
        throw new Error("the batch it recorded failed");
      }),
    ).rejects.toThrow("the batch it recorded failed");
    const batch = await store.db.transaction((tx) =>
      appendAudits(
        tx,
        [
          { draft: draft(6), set: { targetId: "case-x", at: "2026-03-02T10:00:00.000Z" } },
          { draft: draft(7) },
        ],
        KEY,
      ),
    );
    expect(batch.map((e) => e.seq)).toEqual([3, 4]);
    expect(batch[0]).toMatchObject({ targetId: "case-x", at: "2026-03-02T10:00:00.000Z" });
    expect(await verifyAuditChain(store.db, KEY)).toMatchObject({ ok: true, checked: 4, head: { seq: 4 } });
    const [first] = await auditPage(store.db, 0, 1);
    expect(first?.details).toEqual({ a: [1], z: 1 });
    const { rows } = await store.pool.query("SELECT details FROM audit_log WHERE seq = 1");
    expect(rows[0].details).toBe('{"a":[1],"z":1}');
  });

  it("detects an edited entry, a deleted one, a truncated end and a wrong key", async () => {
    for (let i = 1; i <= 5; i++) await appendOne(i);
    const head = await auditHead(store.db);
    expect(head.seq).toBe(5);
    expect(await verifyAuditChain(store.db, randomBytes(32))).toMatchObject({
      ok: false,
      broken: { seq: 1, problem: "hashMismatch" },
    });

    await store.pool.query("ALTER TABLE audit_log DISABLE TRIGGER USER");
    await store.db.execute(sql`UPDATE audit_log SET outcome = 'denied' WHERE seq = 3`);
    expect(await verifyAuditChain(store.db, KEY)).toMatchObject({
      ok: false,
      broken: { seq: 3, problem: "hashMismatch" },
    });
    await store.db.execute(sql`UPDATE audit_log SET outcome = 'allowed' WHERE seq = 3`);
    await store.db.execute(sql`DELETE FROM audit_log WHERE seq = 4`);
    expect(await verifyAuditChain(store.db, KEY)).toMatchObject({
      ok: false,
      broken: { seq: 4, problem: "gap" },
    });
    await store.db.execute(sql`DELETE FROM audit_log WHERE seq = 5`);
    await store.pool.query("ALTER TABLE audit_log ENABLE TRIGGER USER");
    // Entries 4 and 5 removed from the end: only a head recorded outside the database shows it.
    expect(await verifyAuditChain(store.db, KEY)).toMatchObject({ ok: true, checked: 3 });
    expect(await verifyAuditChain(store.db, KEY, { knownHeads: [head] })).toMatchObject({
      ok: false,
      broken: { seq: 5, problem: "truncated" },
    });
  });
});
