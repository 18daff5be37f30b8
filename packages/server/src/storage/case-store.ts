/**
 * Cases, and what a store is besides its repositories (see `storage.ts`). Every write is durable
 * when its transaction's promise resolves (the API answers 2xx only then), and every write carries
 * the actor who made it.
 */
import type { Keyring } from "../crypto/keyring.ts";
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
  /** The event's audit entry, appended first in the same transaction: the history row links to it. */
  auditSeq: number | null;
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
  | {
      ok: false;
      code: "PASSERELLE_STORE_UNWRITABLE" | "PASSERELLE_STORE_SYNC_FAILED" | "PASSERELLE_STORE_UNAVAILABLE";
      reason: string;
    };

/** Cases with their history, open tasks and consents: what an event reads and writes. */
export interface CaseRepository {
  /** Opens a case; `auditSeq`: its audit entry, appended first in the same transaction. */
  create(input: NewCase, auditSeq: number | null): Promise<CaseAggregate>;
  get(id: string): Promise<CaseAggregate | undefined>;
  list(filter: CaseFilter): Promise<CaseSummaryRecord[]>;
  /**
   * Commits an event the case service decided from `base` (the case as it read it): compare-and-swap
   * on `base`'s revision, then the write. `stale` when the case moved on meanwhile: nothing is
   * written (the caller throws, so that the transaction's audit entry goes too).
   */
  commitEvent(commit: EventCommit): Promise<ApplyResult>;
  history(caseId: string): Promise<HistoryRecord[]>;
  /** Notes given when the case's tasks were completed, opened: for the audited person read only. */
  taskNotes(caseId: string): Promise<{ taskId: string; note: string | null }[]>;
  listTasks(filter: TaskFilter): Promise<TaskRecord[]>;
  completeTask(
    taskId: string,
    input: { note?: string; actor: string; at: string },
  ): Promise<CompleteTaskResult>;
}

/** What a store is besides its repositories: its pathway versions, its health, its life. */
export interface StoreLifecycle {
  /** Stores shipped versions; throws when a stored published version's hash differs (immutability). */
  upsertPathwayVersions(versions: PathwayVersionRecord[]): Promise<void>;
  listPathwayVersions(country?: string): Promise<PathwayVersionRecord[]>;
  getPathwayVersion(country: string, version: number): Promise<PathwayVersionRecord | undefined>;

  /**
   * A failure after which the store must answer nothing until restarted (a failed sync: what it
   * would show may not be on disk); undefined while it is sound.
   */
  failure(): Error | undefined;

  /** Whether the store can take writes now (`GET /health`); the reason names no data. */
  health(): Promise<StoreHealth>;

  /**
   * After erasures have committed: makes erased values unrecoverable from the store's own files
   * (SQLite: empties the write-ahead log). False when it could not now (a reader held it): run again.
   */
  purgeErased(): Promise<boolean>;

  /** Which data keys the stored sealed values use, and how many values are still in the clear. */
  keysInUse(): Promise<{ keyIds: Set<string>; plain: number }>;

  /** Re-seals every sealed value under `keyring`'s active key, in one durable transaction. */
  resealAll(keyring: Keyring): Promise<RotationReport>;

  /** Finishes pending writes, then closes. */
  close(): Promise<void>;
}

/** What a key rotation re-sealed, per column, and how many values were already under the key. */
export interface RotationReport {
  resealed: Record<string, number>;
  current: number;
}

export type { CaseRecord };
