/**
 * Cases in PostgreSQL (see `../case-store.ts`): the writes of `case-commits.ts`, the reads of
 * `case-reads.ts` and the lists of `case-lists.ts` on one handle — the pool (reads only) or one
 * transaction. Personal values are sealed under each case's own key, as in SQLite.
 */
import type { Keyring } from "../../crypto/keyring.ts";
import type {
  ApplyResult,
  CaseFilter,
  CaseRepository,
  CompleteTaskResult,
  EventCommit,
  TaskFilter,
} from "../case-store.ts";
import type { CaseAggregate, CaseSummaryRecord, HistoryRecord, NewCase, TaskRecord } from "../records.ts";
import { batchedReads } from "./batched-reads.ts";
import { commitEventRows, completeTaskRow, createCaseRows } from "./case-commits.ts";
import { listCases, listTasks } from "./case-lists.ts";
import {
  readAfterEvent,
  readCaseAggregate,
  readCaseAggregates,
  readHistory,
  readTaskNotes,
} from "./case-reads.ts";
import type { CaseSwaps } from "./case-swaps.ts";
import type { PgDb, PgTx } from "./open.ts";
import { writeHandle } from "./write-handle.ts";

export class PostgresCaseRepository implements CaseRepository {
  /** Outside a transaction, the reads of cases asked for together go in one statement. */
  private readonly batched: ((id: string) => Promise<CaseAggregate | undefined>) | undefined;

  constructor(
    private readonly db: PgDb | PgTx,
    private readonly inTransaction: boolean,
    /** The data keys; undefined only without protections (values stored plain). */
    private readonly keyring: Keyring | undefined,
    /** The batch's shared compare-and-swap statement (`case-swaps.ts`), inside a group commit. */
    private readonly swaps?: CaseSwaps,
  ) {
    if (!inTransaction) this.batched = batchedReads((ids) => readCaseAggregates(db, keyring, ids));
  }

  async create(input: NewCase, auditSeq: number | null): Promise<CaseAggregate> {
    const tx = writeHandle(this.db, this.inTransaction, "cases");
    await createCaseRows(tx, input, auditSeq, { keyring: this.keyring });
    return (await readCaseAggregate(tx, this.keyring, input.id))!;
  }

  get(id: string): Promise<CaseAggregate | undefined> {
    return this.batched ? this.batched(id) : readCaseAggregate(this.db, this.keyring, id);
  }

  list(filter: CaseFilter): Promise<CaseSummaryRecord[]> {
    return listCases(this.db, filter);
  }

  async commitEvent(commit: EventCommit): Promise<ApplyResult> {
    const tx = writeHandle(this.db, this.inTransaction, "cases");
    const result = await commitEventRows(tx, commit, { keyring: this.keyring }, this.swaps);
    if (result.status !== "applied") return result;
    return { status: "applied", aggregate: await readAfterEvent(tx, this.keyring, commit, result.revision) };
  }

  history(caseId: string): Promise<HistoryRecord[]> {
    return readHistory(this.db, this.keyring, caseId);
  }

  taskNotes(caseId: string): Promise<{ taskId: string; note: string | null }[]> {
    return readTaskNotes(this.db, this.keyring, caseId);
  }

  listTasks(filter: TaskFilter): Promise<TaskRecord[]> {
    return listTasks(this.db, filter);
  }

  async completeTask(
    taskId: string,
    input: { note?: string; actor: string; at: string },
  ): Promise<CompleteTaskResult> {
    const tx = writeHandle(this.db, this.inTransaction, "tasks");
    return completeTaskRow(tx, taskId, input, { keyring: this.keyring });
  }
}
