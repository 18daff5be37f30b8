/**
 * The audit log in the SQLite file. `appendInTransaction` is synchronous and must run inside the
 * write transaction of what it records (a case write and its audit entry commit together, or neither
 * does); it reads the chain head inside that transaction, so concurrent writers (the server's
 * group-commit queue, a CLI process) can never fork the chain.
 */
import type Database from "better-sqlite3";
import type { AuditEntry, AuditFields } from "./audit-entry.ts";
import { CHAIN_START, type ChainBreak, type ChainCursor, chainEntry, verifyEntries } from "./chain.ts";

type Row = Record<string, unknown>;

function toEntry(r: Row): AuditEntry {
  return {
    seq: r.seq as number,
    at: r.at as string,
    actorUserId: (r.actor_user_id as string | null) ?? null,
    actorAgencyId: (r.actor_agency_id as string | null) ?? null,
    actorRole: (r.actor_role as string | null) ?? null,
    tokenId: (r.token_id as string | null) ?? null,
    action: r.action as string,
    targetType: (r.target_type as string | null) ?? null,
    targetId: (r.target_id as string | null) ?? null,
    outcome: r.outcome as AuditEntry["outcome"],
    reason: (r.reason as string | null) ?? null,
    ip: (r.ip as string | null) ?? null,
    requestId: (r.request_id as string | null) ?? null,
    details: r.details === null || r.details === undefined ? null : JSON.parse(r.details as string),
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
  };
}

export interface AuditQuery {
  afterSeq?: number;
  limit: number;
  targetType?: string;
  targetId?: string;
  actorUserId?: string;
}

export type VerifyResult =
  | { ok: true; checked: number; head: ChainCursor }
  | { ok: false; checked: number; broken: ChainBreak };

/** An audit entry without its time: filled in at append. */
export type AuditDraft = Omit<AuditFields, "at"> & { at?: string };

export class AuditLog {
  private readonly s: ReturnType<typeof prepare>;
  private readonly listStatements = new Map<string, Database.Statement>();

  constructor(private readonly sqlite: Database.Database) {
    this.s = prepare(sqlite);
  }

  /** Append one entry. Must run inside a write transaction (see the module comment). */
  appendInTransaction(draft: AuditDraft): AuditEntry {
    if (!this.sqlite.inTransaction) throw new Error("audit entries are appended inside a write transaction");
    const head = this.s.head.get() as { seq: number; hash: string } | undefined;
    const fields: AuditFields = { ...draft, at: draft.at ?? new Date().toISOString() };
    const entry = chainEntry(head, fields);
    this.s.insert.run({
      seq: entry.seq,
      at: entry.at,
      actor_user_id: entry.actorUserId,
      actor_agency_id: entry.actorAgencyId,
      actor_role: entry.actorRole,
      token_id: entry.tokenId,
      action: entry.action,
      target_type: entry.targetType,
      target_id: entry.targetId,
      outcome: entry.outcome,
      reason: entry.reason,
      ip: entry.ip,
      request_id: entry.requestId,
      details: entry.details === null ? null : JSON.stringify(entry.details),
      prev_hash: entry.prevHash,
      hash: entry.hash,
    });
    return entry;
  }

  /** Append in a transaction of its own (CLI commands, tests). */
  append(draft: AuditDraft): AuditEntry {
    return this.sqlite.transaction(() => this.appendInTransaction(draft)).immediate();
  }

  list(query: AuditQuery): AuditEntry[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.afterSeq !== undefined) {
      where.push("seq > ?");
      params.push(query.afterSeq);
    }
    if (query.targetType !== undefined) {
      where.push("target_type = ?");
      params.push(query.targetType);
    }
    if (query.targetId !== undefined) {
      where.push("target_id = ?");
      params.push(query.targetId);
    }
    if (query.actorUserId !== undefined) {
      where.push("actor_user_id = ?");
      params.push(query.actorUserId);
    }
    const sql = `SELECT * FROM audit_log${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY seq LIMIT ?`;
    let statement = this.listStatements.get(sql);
    if (!statement) {
      statement = this.sqlite.prepare(sql);
      this.listStatements.set(sql, statement);
    }
    return (statement.all(...params, query.limit) as Row[]).map(toEntry);
  }

  /** Walk the whole chain in pages; report the first broken link. */
  verify(pageSize = 5000): VerifyResult {
    let cursor = CHAIN_START;
    let checked = 0;
    for (;;) {
      const page = (this.s.page.all(cursor.seq, pageSize) as Row[]).map(toEntry);
      if (page.length === 0) return { ok: true, checked, head: cursor };
      const result = verifyEntries(page, cursor);
      checked += result.checked;
      if (!result.ok) return { ok: false, checked, broken: result.broken };
      cursor = result.cursor;
    }
  }
}

function prepare(sqlite: Database.Database) {
  return {
    head: sqlite.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"),
    insert: sqlite.prepare(
      `INSERT INTO audit_log (seq, at, actor_user_id, actor_agency_id, actor_role, token_id, action, target_type, target_id, outcome, reason, ip, request_id, details, prev_hash, hash)
       VALUES (@seq, @at, @actor_user_id, @actor_agency_id, @actor_role, @token_id, @action, @target_type, @target_id, @outcome, @reason, @ip, @request_id, @details, @prev_hash, @hash)`,
    ),
    // `seq > ?` rather than OFFSET: a deleted row shows up as a gap instead of shifting pages.
    page: sqlite.prepare("SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?"),
  };
}
