import { bigint, index, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

/**
 * Append-only log of every accepted event of a case: rows are inserted, never updated or deleted.
 * `seq` equals the case revision the event produced, so a gap would be visible at once.
 */
export const caseHistory = pgTable(
  "case_history",
  {
    caseId: text("case_id").notNull(),
    seq: integer("seq").notNull(),
    eventType: text("event_type").notNull(),
    /** The event's data as sent (validated against the pathway). May hold personal fields: see `personalFields`. */
    data: text("data").notNull(),
    /** JSON array of the keys of `data` that are personal (free text), encrypted at rest. */
    personalFields: text("personal_fields").notNull().default("[]"),
    /** The personal fields' values, sealed; `data` then holds only the other fields. Null after erasure. */
    personalData: text("personal_data"),
    fromState: text("from_state"),
    toState: text("to_state").notNull(),
    actor: text("actor").notNull(),
    at: text("at").notNull(),
    pathwayVersion: integer("pathway_version").notNull(),
    /** `seq` of this event's audit entry, written in the same transaction; null with protections off. */
    auditSeq: bigint("audit_seq", { mode: "number" }),
  },
  (t) => [primaryKey({ columns: [t.caseId, t.seq] }), index("case_history_at").on(t.at)],
);
