import { sql } from "drizzle-orm";
import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * Append-only, hash-chained audit log (see audit/chain.ts). `seq` is contiguous from 1; each `hash`
 * commits to `prev_hash` and every column, so an edit, a deletion or an insertion is detected by
 * `passerelle audit verify`. Ids only: no names or personal fields.
 */
export const auditLog = sqliteTable(
  "audit_log",
  {
    seq: integer("seq").primaryKey(),
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
    /** JSON object of non-personal context, or null. */
    details: text("details"),
    prevHash: text("prev_hash").notNull(),
    hash: text("hash").notNull(),
  },
  (t) => [
    // Per-target lookup of every entry but case events: those are found through their history row
    // (`case_history.audit_seq`). An event touches an existing case, at a random place in a
    // (target) index — a page written per event — while the history row is written anyway.
    index("audit_log_target").on(t.targetType, t.targetId).where(sql`${t.action} <> 'case.event'`),
    index("audit_log_actor").on(t.actorUserId),
  ],
);
