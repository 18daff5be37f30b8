/**
 * The prepared statements of the hot paths, and reading one case with what every use of it needs.
 * Prepared once per connection: the read-only one (reads) and the writer (reads while idle, and writes).
 */
import type Database from "better-sqlite3";
import { type PersonalDataCodec, SealingCodec } from "../../crypto/personal-data-codec.ts";
import type { CaseAggregate, ConsentRow, TaskRecord } from "../records.ts";
import { CASE_VALUE_COLUMNS, caseOfValues, TASK_COLUMNS, taskOfValues, toConsent } from "./rows.ts";

type Row = Record<string, unknown>;

/** The columns `toConsent` reads, and the id that orders them. */
const CONSENT_COLUMNS = [
  "id",
  "case_id",
  "scope",
  "given",
  "method",
  "interpreter_used",
  "at",
  "actor",
  "guardian",
  "purpose",
] as const;

/** `json_object` arguments: each column's name, then its value. */
const keyedColumns = (alias: string, columns: readonly string[]) =>
  columns.map((column) => `'${column}', ${alias}.${column}`).join(", ");
const valueColumns = (alias: string, columns: readonly string[]) =>
  columns.map((column) => `${alias}.${column}`).join(", ");

/** `CASE_VALUE_COLUMNS` from their tables; the salt, the open tasks and the consents follow them. */
const AGGREGATE_CASE_COLUMNS = CASE_VALUE_COLUMNS.map((column) =>
  column === "person" || column === "identification" ? `p.${column}` : `c.${column}`,
).join(", ");
const AT_SALT = CASE_VALUE_COLUMNS.length;
const AT_OPEN_TASKS = AT_SALT + 1;
const AT_CONSENTS = AT_SALT + 2;

export function prepareCaseReads(sqlite: Database.Database) {
  return {
    // The case with everything a read of it needs, in one statement. One statement is one
    // snapshot (SQLite holds one read transaction for it), so no explicit transaction is needed:
    // the driver steps one statement instead of BEGIN, three statements and COMMIT. Under the event
    // benchmark the case read fell from 17–20 % to ~14 % of the request thread's CPU (profiles of
    // both builds); in a tight loop, 14 % less time per read (docs/performance.md, "The case read
    // in one statement"). How it is shaped, each measured in a tight loop (same run, interleaved):
    // - rows as arrays (`.raw()`) of named columns, not `c.*` as an object: ~5 µs less per read;
    // - open tasks as JSON arrays of `TASK_COLUMNS` values: objects keyed by column name cost ~5 µs
    //   more (longer JSON to build and parse). Every column of tasks and consents is text or
    //   integer, which JSON carries exactly;
    // - sorted in JS (`byDueThenId`): ORDER BY inside the aggregate sorts through a temporary
    //   b-tree on every read (~4 µs). Consents, rare, come as objects for `toConsent`, also sorted
    //   in JS.
    // The sealed values come along by primary key; they are opened only if something reads them.
    // The case's salt too: opening the person (the age guards of most answers) then needs no
    // statement of its own (~2 % of an event's CPU).
    // INDEXED BY on tasks: without statistics the planner picked `tasks_status_next_at (status=?)`
    // and walked every open task of the store (0.5 ms per event with 1,200 tasks; it grows with
    // the store).
    getAggregate: sqlite
      .prepare(
        `SELECT ${AGGREGATE_CASE_COLUMNS}, k.salt,
           (SELECT json_group_array(json_array(${valueColumns("t", TASK_COLUMNS)}))
              FROM tasks t INDEXED BY tasks_case_open_key WHERE t.case_id = c.id AND t.status = 'open'),
           (SELECT json_group_array(json_object(${keyedColumns("n", CONSENT_COLUMNS)}))
              FROM consents n WHERE n.case_id = c.id)
         FROM cases c JOIN case_personal p ON p.case_id = c.id LEFT JOIN case_keys k ON k.case_id = c.id
         WHERE c.id = ?`,
      )
      .raw(),
    // An event's own writes read back (in its transaction): see `afterTransition`.
    openTasks: sqlite.prepare(
      "SELECT * FROM tasks INDEXED BY tasks_case_open_key WHERE case_id = ? AND status = 'open' ORDER BY due_at, id",
    ),
    consents: sqlite.prepare("SELECT * FROM consents WHERE case_id = ? ORDER BY id"),
    getTask: sqlite.prepare("SELECT * FROM tasks WHERE id = ?"),
    revision: sqlite.prepare("SELECT revision FROM cases WHERE id = ?"),
  };
}
export type CaseReadStatements = ReturnType<typeof prepareCaseReads>;

/**
 * The order of `ORDER BY due_at, id`. Both are ASCII (ISO times, generated ids), for which
 * JavaScript's comparison of strings and SQLite's BINARY collation agree.
 */
function byDueThenId(a: TaskRecord, b: TaskRecord): number {
  if (a.dueAt !== b.dueAt) return a.dueAt < b.dueAt ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}

const byId = (a: Row, b: Row) => (a.id as number) - (b.id as number);

/** The case, its open tasks (by due time, then id) and its consents; undefined when there is no such case. */
export function readAggregate(
  s: CaseReadStatements,
  codec: PersonalDataCodec,
  id: string,
): CaseAggregate | undefined {
  const row = s.getAggregate.get(id) as unknown[] | undefined;
  if (!row) return undefined;
  const salt = row[AT_SALT];
  const caseCodec =
    codec instanceof SealingCodec && Buffer.isBuffer(salt) ? codec.withSaltOf(id, salt) : codec;
  const openTasks = (JSON.parse(row[AT_OPEN_TASKS] as string) as unknown[][]).map(taskOfValues);
  if (openTasks.length > 1) openTasks.sort(byDueThenId);
  const consentRows = JSON.parse(row[AT_CONSENTS] as string) as Row[];
  if (consentRows.length > 1) consentRows.sort(byId);
  const consents: ConsentRow[] = [];
  for (const r of consentRows) consents.push(toConsent(r, caseCodec));
  return { case: caseOfValues(row, caseCodec), openTasks, consents };
}

export function prepareCaseWrites(sqlite: Database.Database) {
  return {
    insertCase: sqlite.prepare(
      `INSERT INTO cases (id, country, pathway_version, stage, state, snapshot, revision, assignee, agency, sex, nationality, age_band, created_at, updated_at, outcome)
       VALUES (@id, @country, @pathway_version, @stage, @state, @snapshot, @revision, @assignee, @agency, @sex, @nationality, @age_band, @created_at, @updated_at, @outcome)`,
    ),
    insertPersonal: sqlite.prepare(
      "INSERT INTO case_personal (case_id, person, identification) VALUES (@case_id, @person, @identification)",
    ),
    swapCase: sqlite.prepare(
      `UPDATE cases SET revision = @revision, stage = @stage, state = @state, snapshot = @snapshot, updated_at = @updated_at, outcome = @outcome
       WHERE id = @id AND revision = @expected`,
    ),
    // The same within a stage: naming `stage` in SET rewrites the entries of the three indexes on
    // it even when its value does not change (~6 µs an event).
    swapCaseInStage: sqlite.prepare(
      `UPDATE cases SET revision = @revision, state = @state, snapshot = @snapshot, updated_at = @updated_at, outcome = @outcome
       WHERE id = @id AND revision = @expected`,
    ),
    insertHistory: sqlite.prepare(
      `INSERT INTO case_history (case_id, seq, event_type, data, personal_fields, personal_data, from_state, to_state, actor, at, pathway_version, audit_seq)
       VALUES (@case_id, @seq, @event_type, @data, @personal_fields, @personal_data, @from_state, @to_state, @actor, @at, @pathway_version, @audit_seq)`,
    ),
    cancelTasks: sqlite.prepare(
      "UPDATE tasks INDEXED BY tasks_case_open_key SET status = 'cancelled', completed_at = @at WHERE case_id = @case_id AND state = @state AND status = 'open'",
    ),
    insertTask: sqlite.prepare(
      `INSERT INTO tasks (id, case_id, key, task_id, kind, state, status, due_at, assignee, assignee_role, assignee_agency, escalation, label, occurrence, created_at, next_step, next_at)
       VALUES (@id, @case_id, @key, @task_id, @kind, @state, 'open', @due_at, @assignee, @assignee_role, @assignee_agency, @escalation, @label, @occurrence, @created_at, @next_step, @next_at)`,
    ),
    insertNotice: sqlite.prepare(
      `INSERT INTO notices (id, case_id, state, recipient_role, recipient_agency, label, status, next_at, created_at)
       VALUES (@id, @case_id, @state, @recipient_role, @recipient_agency, @label, 'open', @created_at, @created_at)`,
    ),
    insertConsent: sqlite.prepare(
      `INSERT INTO consents (case_id, scope, given, method, interpreter_used, at, actor, guardian, purpose)
       VALUES (@case_id, @scope, @given, @method, @interpreter_used, @at, @actor, @guardian, @purpose)`,
    ),
    refreshNextDue: sqlite.prepare(
      "UPDATE cases SET next_due_at = (SELECT min(due_at) FROM tasks INDEXED BY tasks_case_open_key WHERE case_id = cases.id AND status = 'open') WHERE id = ?",
    ),
    completeTask: sqlite.prepare(
      "UPDATE tasks SET status = 'done', completed_at = @completed_at, actor = @actor, note = @note WHERE id = @id AND status = 'open'",
    ),
  };
}
export type CaseWriteStatements = ReturnType<typeof prepareCaseWrites>;
