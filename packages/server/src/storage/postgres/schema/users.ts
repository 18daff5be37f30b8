import { index, pgTable, text } from "drizzle-orm/pg-core";

/** Staff accounts. One role each; the agency decides which cases are in reach. */
export const users = pgTable(
  "users",
  {
    id: text("id").primaryKey(),
    agencyId: text("agency_id").notNull(),
    /** Login name (unique). Staff data: never logged; the audit log records the user id. */
    login: text("login").notNull().unique(),
    role: text("role", { enum: ["caseworker", "supervisor", "committee", "auditor", "admin"] }).notNull(),
    /** `scrypt$…` (see auth/password.ts); null for token-only accounts. */
    passwordHash: text("password_hash"),
    createdAt: text("created_at").notNull(),
    /** Set when the account is disabled: its tokens stop working at once. */
    disabledAt: text("disabled_at"),
  },
  (t) => [index("users_agency").on(t.agencyId)],
);
