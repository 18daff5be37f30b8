/**
 * Test helper: appends and verification straight on a PostgreSQL transaction, so that the chain can
 * be checked without the rest of the server (the server appends through `audit/audit-trail.ts`).
 *
 * The audit hash chain in PostgreSQL. An append runs inside the transaction of what it records (a
 * case write and its audit entry commit together, or neither does) and first takes the
 * transaction-scoped advisory lock `AUDIT_CHAIN_LOCK_KEY`: appends from every process then queue,
 * and each reads the head the previous one committed. Without it two instances would read the same
 * head and fork the chain (or collide on `seq`). The lock is held until commit or rollback; a
 * rolled-back append leaves no gap, since `seq` is head + 1, not a sequence.
 *
 * The transaction must run at READ COMMITTED (PostgreSQL's default): the head is read by a statement
 * after the lock is granted, which at READ COMMITTED sees every commit made before it. At
 * REPEATABLE READ the snapshot could predate the previous holder's commit.
 */
import { asc, desc, gt, sql } from "drizzle-orm";
import type { AuditEntry, AuditFields } from "../../audit/audit-entry.ts";
import { draftFields } from "../../audit/audit-trail.ts";
import {
  CHAIN_START,
  type ChainBreak,
  type ChainCursor,
  chainEntryWithDetails,
  verifyEntries,
} from "../../audit/chain.ts";
import type { AuditDraft } from "../audit-repository.ts";
import { AUDIT_CHAIN_LOCK_KEY } from "./advisory-locks.ts";
import type { PgDb, PgTx } from "./open.ts";
import { auditLog } from "./schema/index.ts";

type AuditRow = typeof auditLog.$inferSelect;

function toEntry(row: AuditRow): AuditEntry {
  return { ...row, details: row.details === null ? null : JSON.parse(row.details) };
}

/** The chain's last entry, unverified. */
export async function auditHead(db: PgDb | PgTx): Promise<ChainCursor> {
  const [head] = await db
    .select({ seq: auditLog.seq, hash: auditLog.hash })
    .from(auditLog)
    .orderBy(desc(auditLog.seq))
    .limit(1);
  return head ?? CHAIN_START;
}

/** One entry to append: the draft, and fields the store sets (the target, the revision a write
 * produced and, for an event, its instant). */
export interface AuditAppend {
  draft: AuditDraft;
  set?: Partial<Pick<AuditFields, "at" | "targetId" | "details">>;
}

/** Appends one entry inside `tx` (see the module comment). */
export async function appendAudit(
  tx: PgTx,
  draft: AuditDraft,
  chainKey: Buffer | undefined,
  set?: AuditAppend["set"],
): Promise<AuditEntry> {
  const [entry] = await appendAudits(tx, [set ? { draft, set } : { draft }], chainKey);
  return entry!;
}

/**
 * Appends several entries, in order, inside `tx`: one lock, one head read and one INSERT for all.
 * Appends are serialised across the commit (the next one must read this one's head), so a writer
 * that gathers concurrent writes into one transaction pays that wait once per batch, not per entry.
 */
export async function appendAudits(
  tx: PgTx,
  appends: readonly AuditAppend[],
  chainKey: Buffer | undefined,
): Promise<AuditEntry[]> {
  if (appends.length === 0) return [];
  await tx.execute(sql`SELECT pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK_KEY}::bigint)`);
  let previous: ChainCursor | undefined = await auditHead(tx);
  if (previous.seq === 0) previous = undefined;
  const entries: AuditEntry[] = [];
  const rows: (typeof auditLog.$inferInsert)[] = [];
  for (const { draft, set } of appends) {
    const { entry, detailsJson } = chainEntryWithDetails(previous, draftFields(draft, set), chainKey);
    entries.push(entry);
    // The canonical details the hash read (sorted keys), stored as they are.
    rows.push({ ...entry, details: detailsJson });
    previous = entry;
  }
  await tx.insert(auditLog).values(rows);
  return entries;
}

/** Entries after `afterSeq`, in order. `seq > ?` rather than OFFSET: a deleted row shows as a gap. */
export async function auditPage(db: PgDb | PgTx, afterSeq: number, limit: number): Promise<AuditEntry[]> {
  const rows = await db
    .select()
    .from(auditLog)
    .where(gt(auditLog.seq, afterSeq))
    .orderBy(asc(auditLog.seq))
    .limit(limit);
  return rows.map(toEntry);
}

export type VerifyResult =
  | { ok: true; checked: number; head: ChainCursor }
  | { ok: false; checked: number; broken: ChainBreak };

/**
 * Walks the whole chain in pages and reports the first broken link; `knownHeads` (recorded outside
 * the database) must each be reached with the same hash, else the log was truncated or rewritten.
 */
export async function verifyAuditChain(
  db: PgDb,
  chainKey: Buffer | undefined,
  options: { knownHeads?: readonly ChainCursor[]; pageSize?: number } = {},
): Promise<VerifyResult> {
  const pageSize = options.pageSize ?? 5000;
  const known = new Map((options.knownHeads ?? []).map((h) => [h.seq, h.hash]));
  let cursor = CHAIN_START;
  let checked = 0;
  for (;;) {
    const page = await auditPage(db, cursor.seq, pageSize);
    if (page.length === 0) break;
    const result = verifyEntries(page, cursor, chainKey);
    checked += result.checked;
    if (!result.ok) return { ok: false, checked, broken: result.broken };
    const rewritten = page.find((entry) => (known.get(entry.seq) ?? entry.hash) !== entry.hash);
    if (rewritten) {
      const message = "differs from the head recorded outside the database: the chain was rewritten";
      return { ok: false, checked, broken: { seq: rewritten.seq, problem: "rewritten", message } };
    }
    cursor = result.cursor;
  }
  const beyond = [...known.keys()].filter((seq) => seq > cursor.seq).sort((a, b) => a - b)[0];
  if (beyond !== undefined) {
    const message = `the log ends at entry ${cursor.seq}, before the head ${beyond} recorded outside the database`;
    return { ok: false, checked, broken: { seq: beyond, problem: "truncated", message } };
  }
  return { ok: true, checked, head: cursor };
}

/** The audit draft of a caseworker's event on case `targetId`, for tests of the write path. */
export const caseEventAuditDraft = (targetId: string): AuditDraft => ({
  actorUserId: "user_1",
  actorAgencyId: "GH:dsw",
  actorRole: "caseworker",
  tokenId: "tok_1",
  action: "case.event",
  targetType: "case",
  targetId,
  outcome: "allowed",
  reason: "case:write",
  ip: null,
  requestId: "r",
  details: null,
});
