import { index, integer, pgTable, text } from "drizzle-orm/pg-core";

/**
 * One row per case: the current snapshot and what the list filters need. The id is pseudonymous
 * (random, never derived from personal data). The sealed person and identification live in
 * `case_personal` (1:1), so the rows list queries walk stay small. The indexes are the SQLite
 * store's (see its schema for why each exists): both stores answer the same list queries.
 */
export const cases = pgTable(
  "cases",
  {
    id: text("id").primaryKey(),
    country: text("country").notNull(),
    pathwayVersion: integer("pathway_version").notNull(),
    stage: text("stage").notNull(),
    state: text("state").notNull(),
    /** Engine snapshot (state, facts, enteredAt) as JSON text. No personal data. */
    snapshot: text("snapshot").notNull(),
    /** Incremented by every accepted event; the compare-and-swap guard. */
    revision: integer("revision").notNull(),
    assignee: text("assignee"),
    agency: text("agency"),
    /** Reportable attributes kept in the clear for statistics: sex, nationality, CTDC age band. */
    sex: text("sex"),
    nationality: text("nationality"),
    ageBand: text("age_band"),
    /** Earliest due time of the case's open tasks (ISO), kept in the event's transaction; drives `overdue`. */
    nextDueAt: text("next_due_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
    /** Closed outcome (`reintegrated`, `lostContact`…) once the case is in `closed.<outcome>`. */
    outcome: text("outcome"),
  },
  (t) => [
    index("cases_country_stage_id").on(t.country, t.stage, t.id),
    index("cases_stage_id").on(t.stage, t.id),
    index("cases_assignee_id_due").on(t.assignee, t.id, t.nextDueAt),
    index("cases_country_agency_id").on(t.country, t.agency, t.id),
    index("cases_country_agency_stage_id").on(t.country, t.agency, t.stage, t.id),
    index("cases_country_agency_assignee_id_due").on(t.country, t.agency, t.assignee, t.id, t.nextDueAt),
    index("cases_country_id").on(t.country, t.id),
  ],
);
