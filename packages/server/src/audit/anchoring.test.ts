/**
 * The two attacks an unkeyed chain cannot see: deleting the last entries, and editing one then
 * recomputing every later hash with the published algorithm. The keyed chain and the signed
 * checkpoints kept outside the database detect and name both.
 */
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { buildProtected, type ProtectedApp } from "../auth/testing.ts";
import { loadKeyring } from "../crypto/keyring.ts";
import { AuditLog } from "../storage/sqlite/testing-audit-log.ts";
import { testKeyFile } from "../testing/build.ts";
import { ADULT } from "../testing/fixtures.ts";
import type { AuditEntry } from "./audit-entry.ts";
import { entryHash } from "./chain.ts";
import { readCheckpoints, signCheckpoint } from "./checkpoint.ts";

let fx: ProtectedApp | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** A log with some entries, its signed checkpoint, and the database closed for tampering. */
async function loggedDatabase() {
  fx = await buildProtected();
  for (let i = 0; i < 3; i++) {
    const { id } = await fx.openCase(ADULT);
    await fx.app.inject({ url: `/v1/cases/${id}`, headers: await fx.headers("caseworker") });
  }
  const verified = await fx.app.inject({ url: "/v1/audit/verify", headers: await fx.headers("auditor") });
  const { checkpoint } = verified.json();
  const { file, dir } = fx;
  await fx.close({ keepFile: true });
  fx = undefined;
  const { keyring } = loadKeyring({ keyFile: testKeyFile(dir), generateIfMissing: false });
  return { file, checkpoint, auditKey: keyring.auditKey };
}

/** The database as an attacker with file access opens it: the append-only triggers dropped first. */
function tamper(file: string): Database.Database {
  const db = new Database(file);
  db.exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_no_delete;");
  return db;
}

function rows(db: Database.Database): AuditEntry[] {
  return (db.prepare("SELECT * FROM audit_log ORDER BY seq").all() as Record<string, unknown>[]).map((r) => ({
    seq: r.seq as number,
    at: r.at as string,
    actorUserId: r.actor_user_id as string | null,
    actorAgencyId: r.actor_agency_id as string | null,
    actorRole: r.actor_role as string | null,
    tokenId: r.token_id as string | null,
    action: r.action as string,
    targetType: r.target_type as string | null,
    targetId: r.target_id as string | null,
    outcome: r.outcome as AuditEntry["outcome"],
    reason: r.reason as string | null,
    ip: r.ip as string | null,
    requestId: r.request_id as string | null,
    details: r.details === null ? null : JSON.parse(r.details as string),
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
  }));
}

/** Edit one entry and recompute every later link with `key` (none: the published, unkeyed algorithm). */
function rewrite(db: Database.Database, seq: number, key?: Buffer): void {
  const all = rows(db);
  let prev = all.find((e) => e.seq === seq)!.prevHash;
  const update = db.prepare("UPDATE audit_log SET reason = ?, prev_hash = ?, hash = ? WHERE seq = ?");
  for (const e of all.filter((x) => x.seq >= seq)) {
    const fields = { ...e, reason: e.seq === seq ? "nothing to see" : e.reason };
    const hash = entryHash(e.seq, prev, fields, undefined, key);
    update.run(fields.reason, prev, hash, e.seq);
    prev = hash;
  }
}

describe("anchoring the audit chain", () => {
  it("the last entries deleted: the chain alone looks intact, the checkpoint kept elsewhere names the truncation", async () => {
    const { file, checkpoint, auditKey } = await loggedDatabase();
    const db = tamper(file);
    db.prepare("DELETE FROM audit_log WHERE seq > ?").run(checkpoint.seq - 3);
    const log = new AuditLog(db, auditKey);
    expect(log.verify().ok).toBe(true);
    const result = log.verify({ knownHeads: [checkpoint] });
    db.close();
    expect(result).toMatchObject({ ok: false, broken: { seq: checkpoint.seq, problem: "truncated" } });
  });

  it("an entry edited and the chain recomputed with the published algorithm: detected at the edit, without any checkpoint", async () => {
    const { file, auditKey } = await loggedDatabase();
    const db = tamper(file);
    rewrite(db, 4);
    const result = new AuditLog(db, auditKey).verify();
    db.close();
    expect(result).toMatchObject({ ok: false, broken: { seq: 4, problem: "hashMismatch" } });
  });

  it("even recomputed with the stolen key, the rewrite is named by the checkpoint", async () => {
    const { file, checkpoint, auditKey } = await loggedDatabase();
    const db = tamper(file);
    rewrite(db, 4, auditKey);
    const log = new AuditLog(db, auditKey);
    expect(log.verify().ok).toBe(true);
    const result = log.verify({ knownHeads: [checkpoint] });
    db.close();
    expect(result).toMatchObject({ ok: false, broken: { seq: checkpoint.seq, problem: "rewritten" } });
  });

  it("the API checks a known head too, and a forged checkpoint is refused", async () => {
    const { file, checkpoint, auditKey } = await loggedDatabase();
    const db = tamper(file);
    db.prepare("DELETE FROM audit_log WHERE seq >= ?").run(checkpoint.seq - 1);
    db.close();
    const { dir } = { dir: file.slice(0, file.lastIndexOf("/")) };
    fx = await buildProtected({ file, dir });
    const res = await fx.app.inject({
      url: `/v1/audit/verify?knownSeq=${checkpoint.seq}&knownHash=${checkpoint.hash}`,
      headers: await fx.headers("auditor"),
    });
    // The restarted server appends again: the known head is either missing or holds another entry.
    expect(res.json().ok).toBe(false);
    expect(["truncated", "rewritten"]).toContain(res.json().broken.problem);

    const forged = { ...signCheckpoint({ seq: 2, hash: "a".repeat(64) }, new Date(), Buffer.alloc(32, 7)) };
    const read = readCheckpoints(
      `${JSON.stringify(checkpoint)}\n${JSON.stringify(forged)}\nnot json\n`,
      auditKey,
    );
    expect(read.heads).toEqual([{ seq: checkpoint.seq, hash: checkpoint.hash }]);
    expect(read.rejected).toEqual([
      { line: 2, reason: "badSignature" },
      { line: 3, reason: "malformed" },
    ]);
  });
});

describe("checkpoints in the server's log", () => {
  it("the server logs a signed checkpoint at start and at close, which the verifier reads from the log", async () => {
    fx = await buildProtected();
    await fx.openCase(ADULT);
    const { dir, file } = fx;
    await fx.close({ keepFile: true });
    const logs = fx.logs.join("");
    fx = undefined;
    const { keyring } = loadKeyring({ keyFile: testKeyFile(dir), generateIfMissing: false });
    const read = readCheckpoints(logs, keyring.auditKey);
    expect(read.heads.length).toBeGreaterThanOrEqual(2);
    const db = new Database(file, { readonly: true });
    const result = new AuditLog(db, keyring.auditKey).verify({ knownHeads: read.heads });
    db.close();
    expect(result.ok).toBe(true);
  });
});
