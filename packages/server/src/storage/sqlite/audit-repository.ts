/**
 * The audit log in the SQLite file. Appends are serialised by the single writer: the head read by
 * `append` inside a write transaction stays the head until it commits, whether the writer
 * is the server's group commit or a CLI process (`BEGIN IMMEDIATE` holds the file's write lock).
 * The `…Now` methods are the same reads and writes, synchronous, for SQLite code that runs inside a
 * better-sqlite3 transaction of its own.
 */
import type Database from "better-sqlite3";
import type { AuditEntry, AuditHead, AuditQuery, AuditRepository, LinkedEntry } from "../audit-repository.ts";
import { auditEntryOf } from "../audit-rows.ts";
import { StatementCache } from "./statement-cache.ts";

type Row = Record<string, unknown>;

/**
 * An entry belongs to a country when its actor is one of the country's agencies, or what it acts on
 * is: a case of the country, a user or a token of one of its agencies, or one of its agencies.
 */
const OF_COUNTRY = `(a.actor_agency_id LIKE ? || ':%'
  OR (a.target_type = 'case' AND a.target_id IN (SELECT id FROM cases WHERE country = ?))
  OR (a.target_type = 'user' AND a.target_id IN (SELECT id FROM users WHERE agency_id LIKE ? || ':%'))
  OR (a.target_type = 'token' AND a.target_id IN (SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.agency_id LIKE ? || ':%'))
  OR (a.target_type = 'agency' AND a.target_id LIKE ? || ':%'))`;

export class SqliteAuditRepository implements AuditRepository {
  private readonly s: ReturnType<typeof prepare>;
  private readonly listStatements: StatementCache;

  constructor(
    private readonly sqlite: Database.Database,
    readonly chainKey: Buffer | undefined,
  ) {
    this.s = prepare(sqlite);
    this.listStatements = new StatementCache(sqlite);
  }

  async append(link: (head: AuditHead | undefined) => LinkedEntry): Promise<AuditEntry> {
    const { entry, detailsJson } = link(this.headForAppendNow());
    this.insertNow(entry, detailsJson);
    return entry;
  }

  async head(): Promise<AuditHead | undefined> {
    return this.headNow();
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    return this.listNow(query);
  }

  async page(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    return this.pageNow(afterSeq, limit);
  }

  headForAppendNow(): AuditHead | undefined {
    if (!this.sqlite.inTransaction) throw new Error("audit entries are appended inside a write transaction");
    return this.headNow();
  }

  headNow(): AuditHead | undefined {
    return this.s.head.get() as AuditHead | undefined;
  }

  insertNow(entry: AuditEntry, detailsJson: string | null): void {
    // Positional: this runs for every audited read and write.
    this.s.insert.run(
      entry.seq,
      entry.at,
      entry.actorUserId,
      entry.actorAgencyId,
      entry.actorRole,
      entry.tokenId,
      entry.action,
      entry.targetType,
      entry.targetId,
      entry.outcome,
      entry.reason,
      entry.ip,
      entry.requestId,
      detailsJson,
      entry.prevHash,
      entry.hash,
    );
  }

  pageNow(afterSeq: number, limit: number): AuditEntry[] {
    return (this.s.page.all(afterSeq, limit) as Row[]).map(auditEntryOf);
  }

  listNow(query: AuditQuery): AuditEntry[] {
    const where: string[] = [];
    const params: unknown[] = [];
    if (query.afterSeq !== undefined) {
      where.push("a.seq > ?");
      params.push(query.afterSeq);
    }
    if (query.actorUserId !== undefined) {
      where.push("a.actor_user_id = ?");
      params.push(query.actorUserId);
    }
    if (query.country !== undefined) {
      where.push(OF_COUNTRY);
      params.push(...Array<string>(5).fill(query.country));
    }
    let sql: string;
    if (query.targetId === undefined && query.targetType === undefined) {
      sql = `SELECT a.* FROM audit_log a${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY a.seq LIMIT ?`;
      params.push(query.limit);
    } else {
      // Entries of one target: the target index holds all but case events, which are found through
      // their history rows (`case_history.audit_seq`, written in the event's transaction).
      const target = [...where];
      const targetParams = [...params];
      if (query.targetType !== undefined) {
        target.push("a.target_type = ?");
        targetParams.push(query.targetType);
      }
      if (query.targetId !== undefined) {
        target.push("a.target_id = ?");
        targetParams.push(query.targetId);
      }
      const parts = [
        `SELECT a.* FROM audit_log a WHERE ${[...target, "a.action <> 'case.event'"].join(" AND ")}`,
      ];
      const partParams = [targetParams];
      if (query.targetId !== undefined && (query.targetType ?? "case") === "case") {
        parts.push(
          `SELECT a.* FROM case_history h JOIN audit_log a ON a.seq = h.audit_seq WHERE ${["h.case_id = ?", "a.action = 'case.event'", ...where].join(" AND ")}`,
        );
        partParams.push([query.targetId, ...params]);
      }
      sql = `SELECT * FROM (${parts.join(" UNION ALL ")}) ORDER BY seq LIMIT ?`;
      params.length = 0;
      params.push(...partParams.flat(), query.limit);
    }
    return (this.listStatements.get(sql).all(...params) as Row[]).map(auditEntryOf);
  }
}

function prepare(sqlite: Database.Database) {
  return {
    head: sqlite.prepare("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1"),
    insert: sqlite.prepare(
      `INSERT INTO audit_log (seq, at, actor_user_id, actor_agency_id, actor_role, token_id, action, target_type, target_id, outcome, reason, ip, request_id, details, prev_hash, hash)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    // `seq > ?` rather than OFFSET: a deleted row shows up as a gap instead of shifting pages.
    page: sqlite.prepare("SELECT * FROM audit_log WHERE seq > ? ORDER BY seq LIMIT ?"),
  };
}
