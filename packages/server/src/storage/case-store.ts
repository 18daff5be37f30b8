/**
 * The repository the routes talk to. The SQLite implementation is the embedded default; a
 * PostgreSQL one can implement the same interface without a route changing.
 *
 * Every write is durable when its promise resolves (the API answers 2xx only then), and every
 * write carries the actor who made it.
 */
import type { AuditDraft } from "../audit/audit-log.ts";
import type { EventCommand } from "../cases/decide-event.ts";
import type {
  CaseAggregate,
  CaseRecord,
  CaseSummaryRecord,
  HistoryRecord,
  NewCase,
  PathwayVersionRecord,
  TaskRecord,
  TaskStatus,
} from "./records.ts";

/** Need-to-know filter of lists: cases owned by, or referred to, this agency. */
export interface VisibleTo {
  country: string;
  /** The agency's id in the pathway (`cases.agency`). */
  agency: string;
  /** Agency key `<country>:<code>` (referral grants). */
  agencyKey: string;
}

export interface CaseFilter {
  visibleTo?: VisibleTo;
  country?: string;
  stage?: string;
  assignee?: string;
  /** Only cases with an open task due before `now` (or, when false, none). */
  overdue?: boolean;
  now: string;
  /** Return cases with an id lower than this (newest first). */
  afterId?: string;
  limit: number;
}

export interface TaskFilter {
  visibleTo?: VisibleTo;
  status?: TaskStatus;
  overdue?: boolean;
  /** Role, or `role@agency`. */
  assignee?: string;
  caseId?: string;
  /** Agency of the assignee (overdue lists by agency). */
  agency?: string;
  /** Country of the task's case (overdue lists by country). */
  country?: string;
  now: string;
  afterId?: string;
  limit: number;
}

export type ApplyResult =
  | { status: "applied"; aggregate: CaseAggregate }
  /** The command asked for `answer: "json"`: the case view, serialised for the response. */
  | { status: "answered"; json: string }
  | { status: "notFound" }
  | { status: "stale"; currentRevision: number };

/** A read answered with its response body, computed where the data is read (see `answerRead`). */
export type ReadQuery = { type: "case"; caseId: string; at: string } | { type: "list"; filter: CaseFilter };

export type ReadAnswer = { found: true; json: string } | { found: false };

export type CompleteTaskResult =
  | { status: "completed"; task: TaskRecord }
  | { status: "notFound" }
  | { status: "notOpen"; task: TaskRecord };

export interface CaseStore {
  /** Stores shipped versions; throws when a stored published version's hash differs (immutability). */
  upsertPathwayVersions(versions: PathwayVersionRecord[]): Promise<void>;
  listPathwayVersions(country?: string): Promise<PathwayVersionRecord[]>;
  getPathwayVersion(country: string, version: number): Promise<PathwayVersionRecord | undefined>;

  createCase(input: NewCase): Promise<CaseAggregate>;
  getCase(id: string): Promise<CaseAggregate | undefined>;
  listCases(filter: CaseFilter): Promise<CaseSummaryRecord[]>;
  /**
   * Compare-and-swap on `expectedRevision`, then the event decided (`cases/decide-event.ts`) from
   * the case as it is inside the write transaction — two events on one case in one batch see each
   * other — with its audit entry, in one durable transaction. A refusal (thrown `ApiProblem`)
   * writes nothing.
   */
  applyEvent(command: EventCommand): Promise<ApplyResult>;
  getHistory(caseId: string): Promise<HistoryRecord[]>;
  /** Notes given when the case's tasks were completed, opened: for the audited person read only. */
  getTaskNotes(caseId: string): Promise<{ taskId: string; note: string | null }[]>;
  /**
   * A case view or a page of cases, serialised as the routes answer them — by the store, so that
   * it can compute them where it reads (the SQLite store: in its reader thread). Optional: without
   * it, the case service computes them from `getCase` and `listCases`.
   */
  answerRead?(query: ReadQuery): Promise<ReadAnswer>;
  /**
   * Called once a read's data has been read, before its answer leaves: undefined if it may leave
   * now, else a promise that settles once every commit that read could have seen is durable.
   * Optional: a store whose commits are durable before anyone can see them needs none.
   */
  readBarrier?(): Promise<void> | undefined;

  listTasks(filter: TaskFilter): Promise<TaskRecord[]>;
  completeTask(
    taskId: string,
    input: { note?: string; actor: string; at: string; audit?: AuditDraft },
  ): Promise<CompleteTaskResult>;

  /** Runs `fn` in a durable write transaction on the single writer (e.g. a grant with its audit entry). */
  transact<T>(fn: () => T): Promise<T>;

  /** Appends an audit entry in a write transaction of its own (reads, refusals, logins). */
  appendAudit(draft: AuditDraft): Promise<void>;

  /** Finishes pending writes, then closes. */
  close(): Promise<void>;
}

export type { CaseRecord };
