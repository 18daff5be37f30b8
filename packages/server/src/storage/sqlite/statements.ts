/**
 * The prepared statements of the hot paths, and reading one case with what every use of it needs.
 * Prepared once per connection: the request thread's (reads, and writes when inline) and the
 * writer thread's (writes).
 */
import type Database from "better-sqlite3";
import { type PersonalDataCodec, SealingCodec } from "../../crypto/personal-data-codec.ts";
import type { CaseAggregate } from "../records.ts";
import { toCase, toConsent, toTask } from "./rows.ts";

type Row = Record<string, unknown>;

export function prepareCaseReads(sqlite: Database.Database) {
  return {
    // The sealed values come along by primary key; they are opened only if something reads them.
    // The case's salt too: opening the person (the age guards of most answers) then needs no
    // statement of its own (~2 % of an event's CPU).
    getCase: sqlite.prepare(
      "SELECT c.*, p.person, p.identification, k.salt AS case_salt FROM cases c JOIN case_personal p ON p.case_id = c.id LEFT JOIN case_keys k ON k.case_id = c.id WHERE c.id = ?",
    ),
    // INDEXED BY: without statistics the planner picked `tasks_status_next_at (status=?)` and walked
    // every open task of the store (0.5 ms per event with 1,200 tasks; it grows with the store).
    openTasks: sqlite.prepare(
      "SELECT * FROM tasks INDEXED BY tasks_case_open_key WHERE case_id = ? AND status = 'open' ORDER BY due_at, id",
    ),
    consents: sqlite.prepare("SELECT * FROM consents WHERE case_id = ? ORDER BY id"),
    getTask: sqlite.prepare("SELECT * FROM tasks WHERE id = ?"),
    revision: sqlite.prepare("SELECT revision FROM cases WHERE id = ?"),
  };
}
export type CaseReadStatements = ReturnType<typeof prepareCaseReads>;

/** The case, its open tasks and its consents; undefined when there is no such case. */
export function readAggregate(
  s: CaseReadStatements,
  codec: PersonalDataCodec,
  id: string,
): CaseAggregate | undefined {
  const row = s.getCase.get(id) as Row | undefined;
  if (!row) return undefined;
  const salt = row.case_salt;
  const caseCodec =
    codec instanceof SealingCodec && Buffer.isBuffer(salt) ? codec.withSaltOf(id, salt) : codec;
  return {
    case: toCase(row, caseCodec),
    openTasks: (s.openTasks.all(id) as Row[]).map((r) => toTask(r)),
    consents: (s.consents.all(id) as Row[]).map((r) => toConsent(r, caseCodec)),
  };
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
