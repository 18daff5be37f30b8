/**
 * The audit log in the SQLite file. `appendInTransaction` is synchronous and must run inside the
 * write transaction of what it records (a case write and its audit entry commit together, or neither
 * does); it reads the chain head inside that transaction, so concurrent writers (the server's
 * group-commit queue, a CLI process) can never fork the chain.
 */
import type Database from "better-sqlite3";
import { StatementCache } from "../storage/sqlite/statement-cache.ts";
import type { AuditEntry, AuditFields } from "./audit-entry.ts";
import {
  CHAIN_START,
  type ChainBreak,
  type ChainCursor,
  chainEntryWithDetails,
  verifyEntries,
} from "./chain.ts";

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
  /** Only entries about this country: its agencies' actions, its cases, users and agencies. */
  country?: string;
}

/**
 * An entry belongs to a country when its actor is one of the country's agencies, or what it acts on
 * is: a case of the country, a user or a token of one of its agencies, or one of its agencies.
 */
const OF_COUNTRY = `(a.actor_agency_id LIKE ? || ':%'
  OR (a.target_type = 'case' AND a.target_id IN (SELECT id FROM cases WHERE country = ?))
  OR (a.target_type = 'user' AND a.target_id IN (SELECT id FROM users WHERE agency_id LIKE ? || ':%'))
  OR (a.target_type = 'token' AND a.target_id IN (SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.agency_id LIKE ? || ':%'))
  OR (a.target_type = 'agency' AND a.target_id LIKE ? || ':%'))`;

export type VerifyResult =
  | { ok: true; checked: number; head: ChainCursor }
  | { ok: false; checked: number; broken: ChainBreak };

/** An audit entry without its time: filled in at append. */
export type AuditDraft = Omit<AuditFields, "at"> & { at?: string };

export class AuditLog {
  private readonly s: ReturnType<typeof prepare>;
  private readonly listStatements: StatementCache;

  /** `chainKey`: the keyring's audit key (HMAC chain); none only without protections. */
  constructor(
    private readonly sqlite: Database.Database,
    private readonly chainKey?: Buffer,
  ) {
    this.s = prepare(sqlite);
    this.listStatements = new StatementCache(sqlite);
  }

  /**
   * Append one entry. Must run inside a write transaction (see the module comment). `set` replaces
   * fields of the draft (the store fills in the target, the revision a write produced and, for an
   * event, its instant).
   */
  appendInTransaction(
    draft: AuditDraft,
    set?: Partial<Pick<AuditFields, "at" | "targetId" | "details">>,
  ): AuditEntry {
    if (!this.sqlite.inTransaction) throw new Error("audit entries are appended inside a write transaction");
    const head = this.s.head.get() as { seq: number; hash: string } | undefined;
    const fields: AuditFields = {
      at: set?.at ?? draft.at ?? new Date().toISOString(),
      actorUserId: draft.actorUserId,
      actorAgencyId: draft.actorAgencyId,
      actorRole: draft.actorRole,
      tokenId: draft.tokenId,
      action: draft.action,
      targetType: draft.targetType,
      targetId: set?.targetId !== undefined ? set.targetId : draft.targetId,
      outcome: draft.outcome,
      reason: draft.reason,
      ip: draft.ip,
      requestId: draft.requestId,
      details: set?.details !== undefined ? set.details : draft.details,
    };
    const { entry, detailsJson } = chainEntryWithDetails(head, fields, this.chainKey);
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
      // The canonical form the hash read (sorted keys): written once for both.
      detailsJson,
      entry.prevHash,
      entry.hash,
    );
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
    return (this.listStatements.get(sql).all(...params) as Row[]).map(toEntry);
  }

  /**
   * Walk the whole chain in pages; report the first broken link. `knownHeads` are heads recorded
   * outside the database (signed checkpoints, or a head an auditor noted): the log must reach each
   * of them with the same hash, else it was truncated or rewritten after that point.
   */
  verify(options: { knownHeads?: readonly ChainCursor[]; pageSize?: number } = {}): VerifyResult {
    const pageSize = options.pageSize ?? 5000;
    const known = new Map((options.knownHeads ?? []).map((h) => [h.seq, h.hash]));
    let cursor = CHAIN_START;
    let checked = 0;
    for (;;) {
      const page = (this.s.page.all(cursor.seq, pageSize) as Row[]).map(toEntry);
      if (page.length === 0) break;
      const result = verifyEntries(page, cursor, this.chainKey);
      checked += result.checked;
      if (!result.ok) return { ok: false, checked, broken: result.broken };
      for (const entry of page) {
        const hash = known.get(entry.seq);
        if (hash !== undefined && hash !== entry.hash) {
          return {
            ok: false,
            checked,
            broken: {
              seq: entry.seq,
              problem: "rewritten",
              message: "differs from the head recorded outside the database: the chain was rewritten",
            },
          };
        }
      }
      cursor = result.cursor;
    }
    const beyond = [...known.keys()].filter((seq) => seq > cursor.seq).sort((a, b) => a - b)[0];
    if (beyond !== undefined) {
      return {
        ok: false,
        checked,
        broken: {
          seq: beyond,
          problem: "truncated",
          message: `the log ends at entry ${cursor.seq}, before the head ${beyond} recorded outside the database`,
        },
      };
    }
    return { ok: true, checked, head: cursor };
  }

  /** The chain's last entry, unverified (for a checkpoint of what is there now). */
  head(): ChainCursor {
    return (this.s.head.get() as ChainCursor | undefined) ?? CHAIN_START;
  }

  /** The chain's key, for signing checkpoints of its head (undefined without protections). */
  get key(): Buffer | undefined {
    return this.chainKey;
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
