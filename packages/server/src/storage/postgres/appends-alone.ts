/**
 * A batch of the group commit that only appends audit entries (the entries of reads: every
 * audited read writes one), committed in one statement instead of a transaction of three round
 * trips (`BEGIN` + the chain's lock + its head; the entries' INSERT; `COMMIT`).
 *
 * The entries are linked after the head this process's last batch left (`PgGroupCommit`), not
 * after one read under the lock, and the statement inserts them only if that head is still the
 * chain's last entry:
 * - it takes the chain's lock itself, before it inserts anything, and keeps it to its own commit,
 *   so it queues with every other append exactly as a transaction does. Without the lock, it could
 *   take a sequence number while another instance's batch holds the lock with that number read as
 *   next: that batch's INSERT would then fail, and every write in it with it;
 * - `seq` is the primary key: if any append landed after that head since (another instance, or a
 *   command-line tool), the first entry's number is taken, the statement fails (23505) and
 *   nothing of it is stored. The check is the index's own, made after the lock is granted, so it
 *   sees every append committed before — unlike the statement's snapshot, taken before the wait;
 * - the head must still be in the log (`EXISTS`): a database restored from a backup older than
 *   that head answers 0 rows instead of leaving a gap in the chain.
 * Either way the caller runs the batch again the usual way, which reads the head under the lock.
 *
 * What it saves, measured: docs/performance.md, "Reads audited in one statement".
 */
import { sql } from "drizzle-orm";
import type { AuditHead, LinkedEntry } from "../audit-repository.ts";
import { AUDIT_CHAIN_LOCK_KEY } from "./advisory-locks.ts";
import { auditColumns, auditEntryRows, auditEntryValues } from "./audit-repository.ts";
import { namedStatement } from "./named-statement.ts";
import type { PgDb } from "./open.ts";
import { driverError } from "./query-failures.ts";

const appendAfterStatement = namedStatement(
  "passerelle_audit_append_after",
  sql`INSERT INTO audit_log (${auditColumns()})
    SELECT entry.* FROM (SELECT pg_advisory_xact_lock(${sql.raw(AUDIT_CHAIN_LOCK_KEY)}::bigint)) AS chain_lock,
      ${auditEntryRows()} AS entry
    WHERE EXISTS (SELECT 1 FROM audit_log WHERE seq = ${sql.placeholder("head_seq")}::bigint AND hash = ${sql.placeholder("head_hash")}::text)`,
);

/**
 * Inserts `entries`, linked after `head`, in one statement outside any transaction (it commits
 * alone). False when the chain has moved on from `head`: nothing was stored. A lost connection
 * throws, and whether the entries committed is then unknown.
 */
export async function appendAfter(db: PgDb, head: AuditHead, entries: LinkedEntry[]): Promise<boolean> {
  try {
    const result = await appendAfterStatement(db, {
      ...auditEntryValues(entries),
      head_seq: head.seq,
      head_hash: head.hash,
    });
    return result.rowCount === entries.length;
  } catch (error) {
    if (isTakenSequence(error)) return false;
    throw error;
  }
}

/** unique_violation on the audit log's primary key: another append took the next number first. */
function isTakenSequence(error: unknown): boolean {
  const e = driverError(error) as { code?: unknown; constraint?: unknown } | null;
  return e?.code === "23505" && e.constraint === "audit_log_pkey";
}
