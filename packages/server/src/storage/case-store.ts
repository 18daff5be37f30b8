/**
 * The repository the routes talk to. The SQLite implementation is the embedded default; a
 * PostgreSQL one can implement the same interface without a route changing.
 *
 * Every write is durable when its promise resolves (the API answers 2xx only then), and every
 * write carries the actor who made it.
 */
import type { AuditDraft } from "../audit/audit-log.ts";
import type {
  CaseAggregate,
  CaseRecord,
  CaseSummaryRecord,
  HistoryRecord,
  NewCase,
  PathwayVersionRecord,
  TaskRecord,
  TaskStatus,
  TransitionWrite,
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

/** An accepted event, as the case service decided it. */
export interface EventCommit {
  /** The case the write was decided from; its revision is the one compared. */
  base: CaseAggregate;
  write: TransitionWrite;
  /** User id of the sender, and the instant of the request. */
  actor: string;
  at: string;
  audit?: AuditDraft;
}

export type ApplyResult =
  | { status: "applied"; aggregate: CaseAggregate }
  | { status: "notFound" }
  | { status: "stale"; currentRevision: number };

export type CompleteTaskResult =
  | { status: "completed"; task: TaskRecord }
  | { status: "notFound" }
  | { status: "notOpen"; task: TaskRecord };

export type StoreHealth =
  | { ok: true }
  | { ok: false; code: "PASSERELLE_STORE_UNWRITABLE" | "PASSERELLE_STORE_SYNC_FAILED"; reason: string };

export interface CaseStore {
  /** Stores shipped versions; throws when a stored published version's hash differs (immutability). */
  upsertPathwayVersions(versions: PathwayVersionRecord[]): Promise<void>;
  listPathwayVersions(country?: string): Promise<PathwayVersionRecord[]>;
  getPathwayVersion(country: string, version: number): Promise<PathwayVersionRecord | undefined>;

  createCase(input: NewCase): Promise<CaseAggregate>;
  getCase(id: string): Promise<CaseAggregate | undefined>;
  listCases(filter: CaseFilter): Promise<CaseSummaryRecord[]>;
  /**
   * Commits an event the case service decided from `base` (the case as it read it): compare-and-swap
   * on `base`'s revision, then the write and its audit entry, in one durable transaction. `stale`
   * when the case moved on meanwhile: nothing is written.
   */
  commitEvent(commit: EventCommit): Promise<ApplyResult>;
  getHistory(caseId: string): Promise<HistoryRecord[]>;
  /** Notes given when the case's tasks were completed, opened: for the audited person read only. */
  getTaskNotes(caseId: string): Promise<{ taskId: string; note: string | null }[]>;
  listTasks(filter: TaskFilter): Promise<TaskRecord[]>;
  completeTask(
    taskId: string,
    input: { note?: string; actor: string; at: string; audit?: AuditDraft },
  ): Promise<CompleteTaskResult>;

  /** Runs `fn` in a durable write transaction on the single writer (e.g. a grant with its audit entry). */
  transact<T>(fn: () => T): Promise<T>;

  /** Appends an audit entry in a write transaction of its own (reads, refusals, logins). */
  appendAudit(draft: AuditDraft): Promise<void>;

  /**
   * A failure after which the store must answer nothing until restarted (a failed sync: what it
   * would show may not be on disk); undefined while it is sound.
   */
  failure(): Error | undefined;

  /** Whether the store can take writes now (`GET /health`); the reason names no data. */
  health(): Promise<StoreHealth>;

  /** Finishes pending writes, then closes. */
  close(): Promise<void>;
}

export type { CaseRecord };
