import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

/**
 * One row per case: the current snapshot and what the list filters need. The id is pseudonymous
 * (random, never derived from personal data). The sealed person and identification live in
 * `case_personal` (1:1), so the rows list queries walk stay small.
 */
export const cases = sqliteTable(
  "cases",
  {
    id: text("id").primaryKey(),
    country: text("country").notNull(),
    pathwayVersion: integer("pathway_version").notNull(),
    stage: text("stage").notNull(),
    state: text("state").notNull(),
    /** Engine snapshot (state, facts, enteredAt) as JSON. No personal data. */
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
    // No index leads with next_due_at: `overdue` is filtered while walking an id index (overdue cases
    // are common), which keeps the page order without sorting every overdue case.
    // Keyset pagination is on `id` (ULID-like: time-ordered), newest first; filters lead each index.
    index("cases_country_stage_id").on(t.country, t.stage, t.id),
    index("cases_stage_id").on(t.stage, t.id),
    // `next_due_at` trails the assignee indexes: "my overdue cases" walks one caseworker's cases in
    // id order and tests each from the index alone (no row read), so a caseworker with thousands of
    // cases and none overdue costs a walk of an index range, not thousands of row reads (6 → 0.2 ms
    // over 1M cases). The price: a task-changing event rewrites these two entries (the other list
    // indexes hold no next_due_at and are left alone).
    index("cases_assignee_id_due").on(t.assignee, t.id, t.nextDueAt),
    // Need-to-know lists: the cases an agency owns, newest first, whole or by stage. The
    // cases referred to it come from `case_grants_agency_case`; the two are merged by id.
    index("cases_country_agency_id").on(t.country, t.agency, t.id),
    index("cases_country_agency_stage_id").on(t.country, t.agency, t.stage, t.id),
    index("cases_country_agency_assignee_id_due").on(t.country, t.agency, t.assignee, t.id, t.nextDueAt),
    // Referred cases are read grant by grant; a country filter is then checked by probing this
    // index (country, id never change, so events never update it) instead of reading the row.
    index("cases_country_id").on(t.country, t.id),
  ],
);
