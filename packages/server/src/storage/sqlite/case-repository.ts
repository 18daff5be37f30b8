/**
 * Cases in SQLite: reads (`case-reads.ts`) and the writes of an event or an opening
 * (`case-writes.ts`) on one connection. The store makes one on its read-only connection and one on
 * its writer connection (inside the group commit), like every repository.
 */
import type Database from "better-sqlite3";
import { aad, decodeText, type PersonalDataCodec } from "../../crypto/personal-data-codec.ts";
import type {
  ApplyResult,
  CaseFilter,
  CaseRepository,
  CompleteTaskResult,
  EventCommit,
  TaskFilter,
} from "../case-store.ts";
import type { CaseAggregate, CaseSummaryRecord, HistoryRecord, NewCase, TaskRecord } from "../records.ts";
import { CaseReads } from "./case-reads.ts";
import { CaseWrites } from "./case-writes.ts";
import { toHistory, toTask } from "./rows.ts";
import { StatementCache } from "./statement-cache.ts";

export class SqliteCaseRepository implements CaseRepository {
  private readonly reads: CaseReads;
  private readonly writes: CaseWrites;
  private readonly listStatements: StatementCache;
  private readonly s: ReturnType<typeof prepare>;

  constructor(
    sqlite: Database.Database,
    private readonly codec: PersonalDataCodec,
  ) {
    this.reads = new CaseReads(sqlite, codec);
    this.writes = new CaseWrites(sqlite, { codec });
    this.listStatements = new StatementCache(sqlite);
    this.s = prepare(sqlite);
  }

  async create(input: NewCase, auditSeq: number | null): Promise<CaseAggregate> {
    return this.writes.createCase(input, auditSeq);
  }

  async get(id: string): Promise<CaseAggregate | undefined> {
    return this.reads.getCase(id);
  }

  async list(filter: CaseFilter): Promise<CaseSummaryRecord[]> {
    return this.reads.listCases(filter);
  }

  async commitEvent(commit: EventCommit): Promise<ApplyResult> {
    return this.writes.commitEvent(commit);
  }

  async history(caseId: string): Promise<HistoryRecord[]> {
    return (this.s.history.all(caseId) as Record<string, unknown>[]).map((row) => toHistory(row, this.codec));
  }

  async taskNotes(caseId: string): Promise<{ taskId: string; note: string | null }[]> {
    const rows = this.s.taskNotes.all(caseId) as { id: string; note: string }[];
    return rows.map((r) => ({
      taskId: r.id,
      note: decodeText(this.codec, aad.taskNote(caseId, r.id), r.note),
    }));
  }

  async completeTask(
    taskId: string,
    input: { note?: string; actor: string; at: string },
  ): Promise<CompleteTaskResult> {
    return this.writes.completeTask(taskId, input);
  }

  async listTasks(filter: TaskFilter): Promise<TaskRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const when = (condition: string, ...values: unknown[]) => {
      where.push(condition);
      params.push(...values);
    };
    if (filter.status !== undefined) when("status = ?", filter.status);
    if (filter.overdue === true) when("status = 'open' AND due_at < ?", filter.now);
    if (filter.overdue === false) when("NOT (status = 'open' AND due_at < ?)", filter.now);
    if (filter.assignee !== undefined) {
      const [role, agency] = filter.assignee.split("@");
      when("assignee_role = ?", role);
      if (agency !== undefined) when("assignee_agency = ?", agency);
    }
    if (filter.caseId !== undefined) when("case_id = ?", filter.caseId);
    if (filter.agency !== undefined) when("assignee_agency = ?", filter.agency);
    if (filter.country !== undefined)
      when("case_id IN (SELECT id FROM cases WHERE country = ?)", filter.country);
    if (filter.visibleTo !== undefined) {
      const v = filter.visibleTo;
      when(
        "(case_id IN (SELECT id FROM cases WHERE country = ? AND agency = ?) OR case_id IN (SELECT case_id FROM case_grants WHERE agency_id = ? AND revoked_at IS NULL))",
        v.country,
        v.agency,
        v.agencyKey,
      );
    }
    if (filter.afterId !== undefined) when("id < ?", filter.afterId);
    const sql = `SELECT * FROM tasks${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    params.push(filter.limit);
    return (this.listStatements.get(sql).all(...params) as Record<string, unknown>[]).map((row) =>
      toTask(row),
    );
  }
}

function prepare(sqlite: Database.Database) {
  return {
    history: sqlite.prepare("SELECT * FROM case_history WHERE case_id = ? ORDER BY seq"),
    taskNotes: sqlite.prepare(
      "SELECT id, note FROM tasks WHERE case_id = ? AND note IS NOT NULL ORDER BY id",
    ),
  };
}
