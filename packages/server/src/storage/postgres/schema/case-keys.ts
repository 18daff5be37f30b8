import { pgTable, text } from "drizzle-orm/pg-core";
import { bytea } from "./bytea.ts";

/**
 * The salt of each case's own data key (with the data key it derives the key that seals the case's
 * personal values). Deleted when the case is erased: crypto-erasure, so that no copy of a sealed
 * value — in a backup, a dead tuple, a WAL segment — opens afterwards.
 */
export const caseKeys = pgTable("case_keys", {
  caseId: text("case_id").primaryKey(),
  salt: bytea("salt").notNull(),
});
