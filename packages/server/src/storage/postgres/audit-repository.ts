/**
 * The audit log in PostgreSQL (see `../audit-repository.ts`). `append` first takes the
 * transaction-scoped advisory lock of the chain (`advisory-locks.ts`): from that read to the commit
 * no other instance's append comes in between, so the chain never forks. The transaction must run at
 * READ COMMITTED (PostgreSQL's default): the head is read by a statement after the lock is granted,
 * which then sees every commit made before it. Inside a batch of the group commit the lock is the
 * batch's: the head is read with it, once for all its appends, and their entries are inserted
 * together, never one by one (`held-chain.ts`).
 */
import { asc, desc, gt, sql } from "drizzle-orm";
import type { AuditEntry, AuditHead, AuditQuery, AuditRepository, LinkedEntry } from "../audit-repository.ts";
import { auditEntryOf } from "../audit-rows.ts";
import { AUDIT_CHAIN_LOCK_KEY } from "./advisory-locks.ts";
import type { HeldChain } from "./held-chain.ts";
import { namedStatement } from "./named-statement.ts";
import type { PgDb, PgTx } from "./open.ts";
import { auditLog } from "./schema/index.ts";

type Row = Record<string, unknown>;

/**
 * An entry belongs to a country when its actor is one of the country's agencies, or what it acts on
 * is: a case of the country, a user or a token of one of its agencies, or one of its agencies.
 */
const ofCountry = (country: string) => sql`(a.actor_agency_id LIKE ${country} || ':%'
  OR (a.target_type = 'case' AND a.target_id IN (SELECT id FROM cases WHERE country = ${country}))
  OR (a.target_type = 'user' AND a.target_id IN (SELECT id FROM users WHERE agency_id LIKE ${country} || ':%'))
  OR (a.target_type = 'token' AND a.target_id IN (SELECT t.id FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE u.agency_id LIKE ${country} || ':%'))
  OR (a.target_type = 'agency' AND a.target_id LIKE ${country} || ':%'))`;

const and = (parts: ReturnType<typeof sql>[]) => sql.join(parts, sql` AND `);

/** The columns of an audit entry as `AUDIT_ENTRIES_INSERT` takes them, each an array of its values. */
const AUDIT_ENTRY_COLUMNS: [string, string, (e: LinkedEntry) => unknown][] = [
  ["seq", "bigint", (e) => e.entry.seq],
  ["at", "text", (e) => e.entry.at],
  ["actor_user_id", "text", (e) => e.entry.actorUserId],
  ["actor_agency_id", "text", (e) => e.entry.actorAgencyId],
  ["actor_role", "text", (e) => e.entry.actorRole],
  ["token_id", "text", (e) => e.entry.tokenId],
  ["action", "text", (e) => e.entry.action],
  ["target_type", "text", (e) => e.entry.targetType],
  ["target_id", "text", (e) => e.entry.targetId],
  ["outcome", "text", (e) => e.entry.outcome],
  ["reason", "text", (e) => e.entry.reason],
  ["ip", "text", (e) => e.entry.ip],
  ["request_id", "text", (e) => e.entry.requestId],
  ["details", "text", (e) => e.detailsJson],
  ["prev_hash", "text", (e) => e.entry.prevHash],
  ["hash", "text", (e) => e.entry.hash],
];

/**
 * The INSERT of entries already linked by `audit/chain.ts`: one statement whatever their number
 * (column arrays through `unnest`, placeholders `audit_<column>`), so that it can also be a part of
 * another statement (`case-swaps.ts`). Its values: `auditEntryValues`.
 */
export const AUDIT_ENTRIES_INSERT = sql`INSERT INTO audit_log (${auditColumns()})
    SELECT * FROM ${auditEntryRows()}`;

/** The audit log's columns, in the order of `auditEntryRows`. */
export function auditColumns() {
  return sql.raw(AUDIT_ENTRY_COLUMNS.map(([name]) => name).join(", "));
}

/** The entries given by the `audit_<column>` placeholders, as rows (`unnest` of one array per column). */
export function auditEntryRows() {
  return sql`unnest(${sql.join(
    AUDIT_ENTRY_COLUMNS.map(([name, type]) => sql`${sql.placeholder(`audit_${name}`)}::${sql.raw(type)}[]`),
    sql`, `,
  )})`;
}

/** The values of `AUDIT_ENTRIES_INSERT`'s placeholders for these entries. */
export function auditEntryValues(entries: LinkedEntry[]): Record<string, unknown[]> {
  return Object.fromEntries(
    AUDIT_ENTRY_COLUMNS.map(([name, , pick]) => [`audit_${name}`, entries.map(pick)]),
  );
}

const auditEntriesStatement = namedStatement("passerelle_audit_insert", AUDIT_ENTRIES_INSERT);

/** Inserts entries already linked by `audit/chain.ts`. */
export async function insertAuditEntries(db: PgDb | PgTx, entries: LinkedEntry[]): Promise<void> {
  if (entries.length > 0) await auditEntriesStatement(db, auditEntryValues(entries));
}

export class PostgresAuditRepository implements AuditRepository {
  /**
   * @param held the head kept by the group commit's batch, which already holds the chain's lock
   * (`held-chain.ts`); without it (a transaction of its own) every append takes the lock and reads.
   */
  constructor(
    private readonly db: PgDb | PgTx,
    private readonly inTransaction: boolean,
    readonly chainKey: Buffer | undefined,
    private readonly held?: HeldChain,
  ) {}

  async append(link: (head: AuditHead | undefined) => LinkedEntry): Promise<AuditEntry> {
    if (!this.inTransaction) throw new Error("audit entries are appended inside a write transaction");
    if (this.held) return this.held.append(link);
    await this.db.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY}::bigint)`);
    const linked = link(await this.head());
    await insertAuditEntries(this.db, [linked]);
    return linked.entry;
  }

  async head(): Promise<AuditHead | undefined> {
    const [head] = await this.db
      .select({ seq: auditLog.seq, hash: auditLog.hash })
      .from(auditLog)
      .orderBy(desc(auditLog.seq))
      .limit(1);
    return head;
  }

  /** Entries after `afterSeq`, in order. `seq > ?` rather than OFFSET: a deleted row shows as a gap. */
  async page(afterSeq: number, limit: number): Promise<AuditEntry[]> {
    const rows = await this.db
      .select()
      .from(auditLog)
      .where(gt(auditLog.seq, afterSeq))
      .orderBy(asc(auditLog.seq))
      .limit(limit);
    return rows.map((row) => ({ ...row, details: row.details === null ? null : JSON.parse(row.details) }));
  }

  async list(query: AuditQuery): Promise<AuditEntry[]> {
    const where: ReturnType<typeof sql>[] = [];
    if (query.afterSeq !== undefined) where.push(sql`a.seq > ${query.afterSeq}`);
    if (query.actorUserId !== undefined) where.push(sql`a.actor_user_id = ${query.actorUserId}`);
    if (query.country !== undefined) where.push(ofCountry(query.country));
    let statement: ReturnType<typeof sql>;
    if (query.targetId === undefined && query.targetType === undefined) {
      statement = sql`SELECT a.* FROM audit_log a${where.length ? sql` WHERE ${and(where)}` : sql``} ORDER BY a.seq LIMIT ${query.limit}`;
    } else {
      // Entries of one target: the target index holds all but case events, which are found through
      // their history rows (`case_history.audit_seq`, written in the event's transaction).
      const target = [...where];
      if (query.targetType !== undefined) target.push(sql`a.target_type = ${query.targetType}`);
      if (query.targetId !== undefined) target.push(sql`a.target_id = ${query.targetId}`);
      const parts = [
        sql`SELECT a.* FROM audit_log a WHERE ${and([...target, sql`a.action <> 'case.event'`])}`,
      ];
      if (query.targetId !== undefined && (query.targetType ?? "case") === "case")
        parts.push(
          sql`SELECT a.* FROM case_history h JOIN audit_log a ON a.seq = h.audit_seq WHERE ${and([sql`h.case_id = ${query.targetId}`, sql`a.action = 'case.event'`, ...where])}`,
        );
      statement = sql`SELECT * FROM (${sql.join(parts, sql` UNION ALL `)}) AS entries ORDER BY seq LIMIT ${query.limit}`;
    }
    const result = await this.db.execute<Row>(statement);
    return result.rows.map(auditEntryOf);
  }
}
