/**
 * Reading one case on PostgreSQL: the case with its open tasks and consents, and its history.
 * Rows are read in SQLite's shape (column names, 0/1 flags) and mapped by the SQLite store's row
 * mappers, so both stores build their records, and open personal values, the same way. The codec
 * is bound to this case's salt, read with the rows.
 */
import { sql } from "drizzle-orm";
import type { Keyring } from "../../crypto/keyring.ts";
import type { CaseAggregate, HistoryRecord } from "../records.ts";
import { toCase, toConsent, toHistory, toTask } from "../sqlite/rows.ts";
import { codecOfCase } from "./case-codec.ts";
import type { PgDb, PgTx } from "./open.ts";

type Row = Record<string, unknown>;

/** The case, its open tasks (by due time) and its consents; undefined when there is no such case. */
export async function readCaseAggregate(
  db: PgDb | PgTx,
  keyring: Keyring | undefined,
  id: string,
): Promise<CaseAggregate | undefined> {
  // The sealed values come along by primary key; they are opened only if something reads them.
  const found = await db.execute<Row>(
    sql`SELECT c.*, p.person, p.identification FROM cases c JOIN case_personal p ON p.case_id = c.id WHERE c.id = ${id}`,
  );
  const row = found.rows[0];
  if (!row) return undefined;
  // One after another: on the pool, in parallel, each would hold a connection of its own.
  const codec = await codecOfCase(db, keyring, id);
  const openTasks = await db.execute<Row>(
    sql`SELECT * FROM tasks WHERE case_id = ${id} AND status = 'open' ORDER BY due_at, id`,
  );
  const consents = await db.execute<Row>(
    sql`SELECT id, case_id, scope, given::int AS given, method, interpreter_used::int AS interpreter_used, at, actor, guardian, purpose
        FROM consents WHERE case_id = ${id} ORDER BY id`,
  );
  return {
    case: toCase(row, codec),
    openTasks: openTasks.rows.map((r) => toTask(r)),
    consents: consents.rows.map((r) => toConsent(r, codec)),
  };
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
