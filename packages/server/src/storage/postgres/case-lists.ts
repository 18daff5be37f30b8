/**
 * Case and task lists on PostgreSQL: the SQLite store's filters, order (id, newest first) and
 * keyset paging, so that both stores answer a list with the same rows. Rows are read in SQLite's
 * shape and mapped by the same row mappers.
 */
import { type SQL, sql } from "drizzle-orm";
import type { CaseFilter, TaskFilter, VisibleTo } from "../case-store.ts";
import type { CaseSummaryRecord, TaskRecord } from "../records.ts";
import { SUMMARY_COLUMNS, toCaseSummary, toTask } from "../sqlite/rows.ts";
import type { PgDb, PgTx } from "./open.ts";

type Row = Record<string, unknown>;

const COLUMNS = sql.raw(SUMMARY_COLUMNS.map((column) => `c.${column}`).join(", "));
const where = (conditions: SQL[]) =>
  conditions.length === 0 ? sql`` : sql` WHERE ${sql.join(conditions, sql` AND `)}`;

export async function listCases(db: PgDb | PgTx, filter: CaseFilter): Promise<CaseSummaryRecord[]> {
  const statement =
    filter.visibleTo === undefined
      ? sql`SELECT ${COLUMNS} FROM cases c${where(caseConditions(filter))} ORDER BY c.id DESC LIMIT ${filter.limit}`
      : visibleCases(filter, filter.visibleTo);
  const result = await db.execute<Row>(statement);
  return result.rows.map(toCaseSummary);
}

/**
 * Need-to-know lists: the cases the agency owns and the cases referred to it (a live grant), each
 * part a keyset page of its own walking an index in id order — owned cases
 * `(country, agency[, stage | assignee], id)`, referred ones `case_grants (agency_id, case_id)` —
 * merged into one page. A case both owned and referred is left out of the referred part, and a case
 * referred twice is listed once (the grants are a semi-join).
 *
 * When the owned page is full, referred cases older than its last case cannot be on this page, so
 * the referred part reads only ids above that floor: without it, a filter that no referred case
 * meets (a country, a stage) walked every case of the store in id order looking for one — the
 * planner cannot know that referred cases are rare among them (seconds on a million cases).
 */
function visibleCases(filter: CaseFilter, v: VisibleTo): SQL {
  const conditions = caseConditions(filter);
  const owned = [sql`c.country = ${v.country}`, sql`c.agency = ${v.agency}`, ...conditions];
  const floor = sql`(SELECT id FROM floor)`;
  const grants = [sql`g.agency_id = ${v.agencyKey}`, sql`g.revoked_at IS NULL`, sql`g.case_id > ${floor}`];
  if (filter.afterId !== undefined) grants.push(sql`g.case_id < ${filter.afterId}`);
  const referred = [
    sql`c.id IN (SELECT g.case_id FROM case_grants g${where(grants)})`,
    sql`c.id > ${floor}`,
    sql`NOT (c.country = ${v.country} AND c.agency IS NOT DISTINCT FROM ${v.agency})`,
    ...conditions,
  ];
  // '' is below every id (byte order): no floor when the owned page is not full.
  return sql`WITH owned AS (SELECT ${COLUMNS} FROM cases c${where(owned)} ORDER BY c.id DESC LIMIT ${filter.limit}),
    floor AS (SELECT CASE WHEN count(*) = ${filter.limit} THEN min(id) ELSE '' END AS id FROM owned)
    SELECT * FROM (SELECT * FROM owned UNION ALL (SELECT ${COLUMNS} FROM cases c${where(referred)} ORDER BY c.id DESC LIMIT ${filter.limit})) AS visible
    ORDER BY id DESC LIMIT ${filter.limit}`;
}

/** The country, stage, assignee, overdue and cursor conditions of a case list (table alias `c`). */
function caseConditions(filter: CaseFilter): SQL[] {
  const conditions: SQL[] = [];
  if (filter.country !== undefined) conditions.push(sql`c.country = ${filter.country}`);
  if (filter.stage !== undefined) conditions.push(sql`c.stage = ${filter.stage}`);
  if (filter.assignee !== undefined) conditions.push(sql`c.assignee = ${filter.assignee}`);
  if (filter.overdue === true) conditions.push(sql`c.next_due_at < ${filter.now}`);
  if (filter.overdue === false)
    conditions.push(sql`(c.next_due_at IS NULL OR c.next_due_at >= ${filter.now})`);
  if (filter.afterId !== undefined) conditions.push(sql`c.id < ${filter.afterId}`);
  return conditions;
}

export async function listTasks(db: PgDb | PgTx, filter: TaskFilter): Promise<TaskRecord[]> {
  const conditions: SQL[] = [];
  if (filter.status !== undefined) conditions.push(sql`t.status = ${filter.status}`);
  if (filter.overdue === true) conditions.push(sql`t.status = 'open' AND t.due_at < ${filter.now}`);
  if (filter.overdue === false) conditions.push(sql`NOT (t.status = 'open' AND t.due_at < ${filter.now})`);
  if (filter.assignee !== undefined) {
    const [role, agency] = filter.assignee.split("@");
    conditions.push(sql`t.assignee_role = ${role}`);
    if (agency !== undefined) conditions.push(sql`t.assignee_agency = ${agency}`);
  }
  if (filter.caseId !== undefined) conditions.push(sql`t.case_id = ${filter.caseId}`);
  if (filter.agency !== undefined) conditions.push(sql`t.assignee_agency = ${filter.agency}`);
  if (filter.country !== undefined)
    conditions.push(sql`t.case_id IN (SELECT id FROM cases WHERE country = ${filter.country})`);
  if (filter.visibleTo !== undefined) {
    const v = filter.visibleTo;
    conditions.push(
      sql`(t.case_id IN (SELECT id FROM cases WHERE country = ${v.country} AND agency = ${v.agency}) OR t.case_id IN (SELECT case_id FROM case_grants WHERE agency_id = ${v.agencyKey} AND revoked_at IS NULL))`,
    );
  }
  if (filter.afterId !== undefined) conditions.push(sql`t.id < ${filter.afterId}`);
  const result = await db.execute<Row>(
    sql`SELECT t.* FROM tasks t${where(conditions)} ORDER BY t.id DESC LIMIT ${filter.limit}`,
  );
  return result.rows.map((row) => toTask(row));
}
