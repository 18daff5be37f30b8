/**
 * What the store holds, as the rest of the server sees it (decoded JSON, no column names). Routes
 * and services depend on these types and on `CaseStore`, never on a table.
 */
import type { Assignee } from "@passerelle/definitions";
import type {
  CaseSnapshot,
  ConsentRecord,
  Json,
  ScheduledEscalation,
  TaskToSchedule,
} from "@passerelle/engine";

export type TaskStatus = "open" | "done" | "cancelled";

export interface CaseRecord {
  id: string;
  country: string;
  pathwayVersion: number;
  stage: string;
  state: string;
  snapshot: CaseSnapshot;
  revision: number;
  assignee: string | null;
  agency: string | null;
  /** Personal data. Never log it. */
  person: Record<string, Json>;
  identification: Record<string, Json>;
  nextDueAt: string | null;
  createdAt: string;
  updatedAt: string;
  outcome: string | null;
}

/** A case without its personal data and snapshot: what lists return. */
export type CaseSummaryRecord = Omit<CaseRecord, "person" | "identification" | "snapshot">;

export interface TaskRecord {
  id: string;
  caseId: string;
  key: string;
  taskId: string;
  kind: string;
  state: string;
  status: TaskStatus;
  dueAt: string;
  assignee: Assignee;
  escalation: ScheduledEscalation[];
  label: Record<string, string>;
  occurrence: number;
  createdAt: string;
  completedAt: string | null;
  /** Whether a note was given at completion (its text only through the audited person read). */
  hasNote: boolean;
}

export interface HistoryRecord {
  seq: number;
  eventType: string;
  data: Record<string, Json>;
  /** Keys of `data` that hold personal fields (encrypted at rest). */
  personalFields: string[];
  fromState: string | null;
  toState: string;
  actor: string;
  at: string;
  pathwayVersion: number;
}

export interface ConsentRow extends ConsentRecord {
  method: string;
  interpreterUsed?: boolean;
  actor: string;
  /** Guardian who consented for a minor (personal: sealed at rest). */
  guardian?: { name: string; relationship: string };
  /** The specified purpose the person was told. */
  purpose?: string;
}

/** A case with what every read needs next to it: open tasks and consents. */
export interface CaseAggregate {
  case: CaseRecord;
  openTasks: TaskRecord[];
  consents: ConsentRow[];
}

/** Everything one accepted event (or the opening of a case) writes, in one transaction. */
export interface TransitionWrite {
  snapshot: CaseSnapshot;
  stage: string;
  state: string;
  outcome: string | null;
  history: Omit<HistoryRecord, "seq" | "pathwayVersion">;
  /** Tasks to open, each with the rung of its ladder that waits first in the delivery outbox. */
  schedule: (TaskToSchedule & { firstRung: { nextStep: number | null; nextAt: string | null } })[];
  /** States whose open tasks are cancelled (the case left them). */
  cancelStates: string[];
  consents: ConsentRow[];
  /** Referral grants a consent withdrawal ends: all made on consent, or those abroad. */
  endGrants: { grants: "allConsent" | "crossBorder"; at: string }[];
  /** Roles told that the case entered a state (the state's `responsible`), delivered after commit. */
  notices?: NoticeToSend[];
}

/** A "case entered your state" notice, as a transition writes it to the outbox. */
export interface NoticeToSend {
  state: string;
  role: string;
  agency: string | null;
  label: Record<string, string>;
}

export interface NewCase {
  id: string;
  country: string;
  pathwayVersion: number;
  assignee: string | null;
  agency: string | null;
  person: Record<string, Json>;
  identification: Record<string, Json>;
  /** Computed by the server from the person, never taken from the client (statistics show it). */
  ageBand: string | null;
  /** The opening: snapshot, history row (seq 1), tasks of the initial states. */
  opening: TransitionWrite;
}

export interface PathwayVersionRecord {
  country: string;
  version: number;
  status: "draft" | "published";
  hash: string;
  definition: unknown;
  publishedAt: string | null;
}
