import { sql } from "drizzle-orm";
import { index, pgTable, text } from "drizzle-orm/pg-core";

/**
 * The outbox of "a case entered your state" notices: a state that names `responsible` roles tells
 * each of them when a case enters it. Written in the transition's transaction, delivered afterwards
 * through the reminder channels; each delivery per channel is recorded in `notifications` (kind
 * `notice`, `task_id` = the notice id), like reminders.
 */
export const notices = pgTable(
  "notices",
  {
    id: text("id").primaryKey(),
    caseId: text("case_id").notNull(),
    /** The state entered. */
    state: text("state").notNull(),
    recipientRole: text("recipient_role").notNull(),
    /** Agency id from the pathway; null = the agency that owns the case. */
    recipientAgency: text("recipient_agency"),
    /** State label by language, from the pathway, as JSON. */
    label: text("label").notNull(),
    /** open: to deliver at `nextAt`; sent: every channel sent or gave up. */
    status: text("status", { enum: ["open", "sent"] }).notNull(),
    nextAt: text("next_at"),
    createdAt: text("created_at").notNull(),
  },
  // The delivery pass reads open notices by time.
  (t) => [index("notices_open").on(t.nextAt).where(sql`${t.status} = 'open'`)],
);
