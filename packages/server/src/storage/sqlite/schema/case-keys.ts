import { blob, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * The salt of each case's own data key (with the data key it derives the key that seals the case's
 * personal values). Deleted when the case is erased: crypto-erasure, so that no copy of a sealed
 * value — in a backup, a free page, a WAL frame — opens afterwards.
 */
export const caseKeys = sqliteTable("case_keys", {
  caseId: text("case_id").primaryKey(),
  salt: blob("salt", { mode: "buffer" }).notNull(),
});
