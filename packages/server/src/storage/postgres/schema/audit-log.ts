import { sql } from "drizzle-orm";
import { bigint, index, pgTable, text } from "drizzle-orm/pg-core";

/**
 * Append-only, hash-chained audit log (see audit/chain.ts). `seq` is contiguous from 1; each `hash`
 * commits to `prev_hash` and every column, so an edit, a deletion or an insertion is detected by
 * `passerelle audit verify`. Ids only: no names or personal fields. A trigger (migration
 * `0001_audit_append_only`) refuses UPDATE, DELETE and TRUNCATE.
 *
 * `seq` is assigned by the appender (head + 1, under a transaction-scoped advisory lock), not by an
 * identity or a sequence: a sequence skips the values of rolled-back transactions, and the hash
 * commits to `seq`, so a gap would read as a deleted entry.
 */
export const auditLog = pgTable(
  "audit_log",
  {
    seq: bigint("seq", { mode: "number" }).primaryKey(),
    at: text("at").notNull(),
    actorUserId: text("actor_user_id"),
    actorAgencyId: text("actor_agency_id"),
    actorRole: text("actor_role"),
    tokenId: text("token_id"),
    action: text("action").notNull(),
    targetType: text("target_type"),
    targetId: text("target_id"),
    outcome: text("outcome", { enum: ["allowed", "denied", "failed"] }).notNull(),
    reason: text("reason"),
    ip: text("ip"),
    requestId: text("request_id"),
    /** JSON object of non-personal context, or null. Text, not jsonb: the hash commits to its exact bytes. */
    details: text("details"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    // Per-target lookup of every entry but case events: those are found through their history row
    // (`case_history.audit_seq`), which is written anyway.
    index("audit_log_target").on(t.targetType, t.targetId).where(sql`${t.action} <> 'case.event'`),
    index("audit_log_actor").on(t.actorUserId),
  ],
);
