import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/** Consent records of a case, fed by the engine's `recordConsent` effect. The latest per scope decides. */
export const consents = sqliteTable(
  "consents",
  {
    id: integer("id").primaryKey({ autoIncrement: true }),
    caseId: text("case_id").notNull(),
    scope: text("scope").notNull(),
    given: integer("given", { mode: "boolean" }).notNull(),
    method: text("method").notNull(),
    interpreterUsed: integer("interpreter_used", { mode: "boolean" }),
    at: text("at").notNull(),
    actor: text("actor").notNull(),
    /** Guardian of a minor who consented on the child's behalf: `{ name, relationship }`, sealed (personal). */
    guardian: text("guardian"),
    /** The specified purpose the person was told (no personal data). */
    purpose: text("purpose"),
  },
  (t) => [index("consents_case").on(t.caseId)],
);
