/**
 * Reading one case on PostgreSQL: the case with its open tasks and consents (also as an event
 * left it), its history and its task notes.
 * Rows are read in SQLite's shape (column names, 0/1 flags) and mapped by the SQLite store's row
 * mappers, so both stores build their records, and open personal values, the same way. The codec
 * is bound to this case's salt, read with the rows.
 */
import { sql } from "drizzle-orm";
import type { Keyring } from "../../crypto/keyring.ts";
import { aad, decodeText, type PersonalDataCodec } from "../../crypto/personal-data-codec.ts";
import type { EventCommit } from "../case-store.ts";
import type { CaseAggregate, ConsentRow, HistoryRecord, TaskRecord } from "../records.ts";
import {
  changedCase,
  SUMMARY_COLUMNS,
  TASK_COLUMNS,
  toCase,
  toConsent,
  toHistory,
  toTask,
} from "../sqlite/rows.ts";
import { codecOfCase, codecWithSalt } from "./case-codec.ts";
import { namedStatement } from "./named-statement.ts";
import type { PgDb, PgTx } from "./open.ts";

type Row = Record<string, unknown>;

const CASE_COLUMNS = sql.raw([...SUMMARY_COLUMNS, "snapshot"].map((column) => `c.${column}`).join(", "));
const TASK_FIELDS = sql.raw(TASK_COLUMNS.join(", "));

/**
 * The cases of `ids` with their open tasks and consents, in one statement, so one snapshot: read as
 * several statements on the pool (each maybe on another connection), a case's open tasks could be
 * those of a later event than its row. The sealed values come along by primary key; they are opened
 * only if something reads them.
 */
const caseAggregatesStatement = namedStatement<Row>(
  "passerelle_case_aggregates",
  sql`SELECT ${CASE_COLUMNS}, p.person, p.identification, k.salt AS case_salt,
        (SELECT coalesce(json_agg(t ORDER BY t.due_at, t.id), '[]'::json)
           FROM (SELECT ${TASK_FIELDS} FROM tasks WHERE case_id = c.id AND status = 'open') t) AS open_task_rows,
        (SELECT coalesce(json_agg(s ORDER BY s.id), '[]'::json)
           FROM (SELECT id, case_id, scope, given::int AS given, method, interpreter_used::int AS interpreter_used,
                        at, actor, guardian, purpose
                   FROM consents WHERE case_id = c.id) s) AS consent_rows
      FROM cases c JOIN case_personal p ON p.case_id = c.id LEFT JOIN case_keys k ON k.case_id = c.id
      WHERE c.id = ANY(${sql.placeholder("ids")}::text[])`,
);

/** The cases of `ids` that exist, by id, each with its open tasks (by due time) and its consents. */
export async function readCaseAggregates(
  db: PgDb | PgTx,
  keyring: Keyring | undefined,
  ids: readonly string[],
): Promise<Map<string, CaseAggregate>> {
  const found = await caseAggregatesStatement(db, { ids });
  const out = new Map<string, CaseAggregate>();
  for (const row of found.rows) {
    const id = row.id as string;
    const codec = codecWithSalt(keyring, id, (row.case_salt as Buffer | null) ?? undefined);
    out.set(id, {
      case: toCase(row, codec),
      openTasks: (row.open_task_rows as Row[]).map((r) => toTask(r)),
      consents: (row.consent_rows as Row[]).map((r) => toConsent(r, codec)),
    });
  }
  return out;
}

/** The case, its open tasks (by due time) and its consents; undefined when there is no such case. */
export async function readCaseAggregate(
  db: PgDb | PgTx,
  keyring: Keyring | undefined,
  id: string,
): Promise<CaseAggregate | undefined> {
  return (await readCaseAggregates(db, keyring, [id])).get(id);
}

async function readOpenTasks(db: PgDb | PgTx, caseId: string): Promise<TaskRecord[]> {
  const rows = await db.execute<Row>(
    sql`SELECT * FROM tasks WHERE case_id = ${caseId} AND status = 'open' ORDER BY due_at, id`,
  );
  return rows.rows.map((r) => toTask(r));
}

async function readConsents(
  db: PgDb | PgTx,
  caseId: string,
  codec: PersonalDataCodec,
): Promise<ConsentRow[]> {
  const rows = await db.execute<Row>(
    sql`SELECT id, case_id, scope, given::int AS given, method, interpreter_used::int AS interpreter_used, at, actor, guardian, purpose
        FROM consents WHERE case_id = ${caseId} ORDER BY id`,
  );
  return rows.rows.map((r) => toConsent(r, codec));
}

/**
 * The case as an applied event left it, without reading (and opening) it again: only what the
 * event changed is read back — open tasks when it opened or cancelled some, consents when it
 * recorded some — and the person stays as `base` held it (an event changes nothing of it).
 */
export async function readAfterEvent(
  tx: PgTx,
  keyring: Keyring | undefined,
  commit: EventCommit,
  revision: number,
): Promise<CaseAggregate> {
  const { base, write: w } = commit;
  const caseId = base.case.id;
  const openTasks =
    w.schedule.length > 0 || w.cancelStates.length > 0 ? await readOpenTasks(tx, caseId) : base.openTasks;
  const consents =
    w.consents.length > 0
      ? await readConsents(tx, caseId, await codecOfCase(tx, keyring, caseId))
      : base.consents;
  const nextDueAt = openTasks.reduce<string | null>(
    (min, t) => (min === null || t.dueAt < min ? t.dueAt : min),
    null,
  );
  const record = changedCase(base.case, {
    revision,
    stage: w.stage,
    state: w.state,
    snapshot: w.snapshot,
    updatedAt: commit.at,
    outcome: w.outcome,
    nextDueAt,
  });
  return { case: record, openTasks, consents };
}

/** Notes given when the case's tasks were completed, opened (for the audited person read). */
export async function readTaskNotes(
  db: PgDb | PgTx,
  keyring: Keyring | undefined,
  caseId: string,
): Promise<{ taskId: string; note: string | null }[]> {
  const rows = await db.execute<{ id: string; note: string }>(
    sql`SELECT id, note FROM tasks WHERE case_id = ${caseId} AND note IS NOT NULL ORDER BY id`,
  );
  if (rows.rows.length === 0) return [];
  const codec = await codecOfCase(db, keyring, caseId);
  return rows.rows.map((r) => ({
    taskId: r.id,
    note: decodeText(codec, aad.taskNote(caseId, r.id), r.note),
  }));
}

/** Every accepted event of the case, in order, personal fields opened. */
export async function readHistory(
  db: PgDb | PgTx,
  keyring: Keyring | undefined,
  caseId: string,
): Promise<HistoryRecord[]> {
  const codec = await codecOfCase(db, keyring, caseId);
  const rows = await db.execute<Row>(sql`SELECT * FROM case_history WHERE case_id = ${caseId} ORDER BY seq`);
  return rows.rows.map((r) => toHistory(r, codec));
}
