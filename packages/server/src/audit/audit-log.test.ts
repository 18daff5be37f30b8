import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../storage/sqlite/open.ts";
import type { AuditDraft } from "../storage/sqlite/testing-audit-log.ts";
import { AuditLog } from "../storage/sqlite/testing-audit-log.ts";
import { tempDir } from "../testing/build.ts";

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

const draft = (targetId: string): AuditDraft => ({
  actorUserId: "user_1",
  actorAgencyId: "GH:dsw",
  actorRole: "caseworker",
  tokenId: "tok_1",
  action: "case.read",
  targetType: "case",
  targetId,
  outcome: "allowed",
  reason: "case:read",
  ip: "127.0.0.1",
  requestId: "r",
  details: null,
});

function logWith(n: number) {
  const file = join(tempDir(), "audit.db");
  const { sqlite } = openDatabase(file);
  opened.push(sqlite);
  const log = new AuditLog(sqlite);
  for (let i = 0; i < n; i++) log.append(draft(`case_${i}`));
  return { file, sqlite, log };
}

describe("AuditLog", () => {
  it("chains entries and verifies across pages", () => {
    const { log } = logWith(7);
    expect(log.verify({ pageSize: 3 })).toMatchObject({ ok: true, checked: 7, head: { seq: 7 } });
    expect(log.list({ limit: 2, afterSeq: 5 }).map((e) => e.seq)).toEqual([6, 7]);
    expect(log.list({ limit: 10, targetType: "case", targetId: "case_3" })).toHaveLength(1);
  });

  it("the chain follows rolled-back writes and other connections' appends", () => {
    const { file, sqlite, log } = logWith(2);
    const other = new Database(file);
    opened.push(other);
    const batch = (writes: ((i: number) => void)[]) => {
      sqlite.prepare("BEGIN IMMEDIATE").run();
      writes.forEach((write, i) => {
        sqlite.prepare("SAVEPOINT job").run();
        try {
          write(i);
          sqlite.prepare("RELEASE job").run();
        } catch {
          sqlite.prepare("ROLLBACK TO job").run();
          sqlite.prepare("RELEASE job").run();
        }
      });
      sqlite.prepare("COMMIT").run();
    };
    const append = (i: number) => log.appendInTransaction(draft(`kept_${i}`));
    const appendThenFail = (i: number) => {
      append(i);
      throw new Error("the write after the audit entry failed");
    };
    batch([append, appendThenFail, append, append]);
    // Another process (a CLI command) appends between two batches of this one.
    new AuditLog(other).append(draft("from_the_cli"));
    batch([append, append]);
    expect(log.verify()).toMatchObject({ ok: true, checked: 2 + 3 + 1 + 2 });
    expect(log.list({ limit: 20 }).map((e) => e.targetId)).toEqual([
      "case_0",
      "case_1",
      "kept_0",
      "kept_2",
      "kept_3",
      "from_the_cli",
      "kept_0",
      "kept_1",
    ]);
  });

  it("refuses appends outside a transaction", () => {
    const { log } = logWith(0);
    expect(() => log.appendInTransaction(draft("x"))).toThrow(/inside a write transaction/);
  });

  it("the database refuses updates and deletes", () => {
    const { sqlite } = logWith(2);
    expect(() => sqlite.prepare("UPDATE audit_log SET actor_user_id = 'x' WHERE seq = 1").run()).toThrow(
      /append-only/,
    );
    expect(() => sqlite.prepare("DELETE FROM audit_log WHERE seq = 1").run()).toThrow(/append-only/);
  });

  it("detects an entry edited in the raw file (triggers dropped) and names the first broken link", () => {
    const { file, sqlite, log } = logWith(5);
    sqlite.close();
    const raw = new Database(file);
    raw.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");
    raw.prepare("UPDATE audit_log SET target_id = 'case_other' WHERE seq = 3").run();
    raw.close();
    const { sqlite: reopened } = openDatabase(file);
    opened.push(reopened);
    expect(new AuditLog(reopened).verify()).toMatchObject({
      ok: false,
      checked: 2,
      broken: { seq: 3, problem: "hashMismatch" },
    });
    expect(log).toBeDefined();
  });

  it("detects a deleted entry", () => {
    const { file, sqlite } = logWith(4);
    sqlite.close();
    const raw = new Database(file);
    raw.exec("DROP TRIGGER audit_log_no_delete; DELETE FROM audit_log WHERE seq = 2;");
    raw.close();
    const { sqlite: reopened } = openDatabase(file);
    opened.push(reopened);
    expect(new AuditLog(reopened).verify()).toMatchObject({ ok: false, broken: { seq: 2, problem: "gap" } });
  });
});
