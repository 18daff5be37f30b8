import { boolean, index, integer, pgTable, text } from "drizzle-orm/pg-core";

/** Consent records of a case, fed by the engine's `recordConsent` effect. The latest per scope decides. */
export const consents = pgTable(
  "consents",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    caseId: text("case_id").notNull(),
    scope: text("scope").notNull(),
    given: boolean("given").notNull(),
    method: text("method").notNull(),
    interpreterUsed: boolean("interpreter_used"),
    at: text("at").notNull(),
    actor: text("actor").notNull(),
    /** Guardian of a minor who consented on the child's behalf: `{ name, relationship }`, sealed (personal). */
    guardian: text("guardian"),
    /** The specified purpose the person was told (no personal data). */
    purpose: text("purpose"),
  },
  (t) => [index("consents_case").on(t.caseId)],
);
