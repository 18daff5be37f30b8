import { pgTable, text } from "drizzle-orm/pg-core";
import { cases } from "./cases.ts";

/**
 * The sealed personal data of a case, 1:1 with `cases`. Kept out of `cases` so that list queries,
 * which walk many case rows, never read these values; only a case read or the person route joins
 * this table by primary key.
 */
export const casePersonal = pgTable("case_personal", {
  caseId: text("case_id")
    .primaryKey()
    .references(() => cases.id),
  /** Personal data (HTCDS person fields): sealed with AES-256-GCM. Never logged, never in lists or URLs. `{}` once erased (retention). */
  person: text("person").notNull(),
  /** Where, how and by whom the person was identified; referral source. Sealed like `person`. */
  identification: text("identification").notNull(),
});
