/**
 * The engine's public contract. The server depends on these types only; everything else in the
 * engine is an implementation detail.
 */
import type { Assignee, ClosedOutcome, ConsentScope, StageId, TaskSpec } from "@passerelle/definitions";

/** A JSON value (what case facts and event data hold). */
export type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/**
 * What the engine persists for a case. A case is always in exactly one leaf state, named by its
 * dotted path (e.g. `screening.childAssessment`); `facts` are what events recorded.
 */
export interface CaseSnapshot {
  /** Dotted path of the current leaf state, e.g. "shelter.stay" or "closed.reintegrated". */
  state: string;
  /** Facts recorded by earlier events (`record` and `stamp` in the definition). No personal data. */
  facts: Record<string, Json>;
  /** ISO instant at which each currently active state (leaf and ancestors) was entered, by path. */
  enteredAt: Record<string, string>;
}

/** Non-identifying person attributes the server gives the engine for guards. Never names. */
export interface PersonAttributes {
  sex?: string;
  nationality?: string;
  /** YYYY-MM-DD; when absent, or when `ageUncertain`, the person is presumed a child. */
  birthDate?: string;
  ageUncertain?: boolean;
  ageBand?: string;
}

/** A consent record as guards see it. The latest record per scope decides. */
export interface ConsentRecord {
  scope: ConsentScope;
  given: boolean;
  /** ISO instant the consent was given or withdrawn. */
  at: string;
}

/** Everything outside the snapshot that a step may read. */
export interface CaseContext {
  person: PersonAttributes;
  consents: ConsentRecord[];
}

/** An event as a client sends it. */
export interface CaseEvent {
  type: string;
  data?: Record<string, Json>;
}

/** One rung of a task's ladder with its absolute time. */
export interface ScheduledEscalation {
  /** 0-based position in the ladder. */
  step: number;
  /** ISO instant at which this rung fires. */
  at: string;
  notify: Assignee;
}

/** A task the server must store (with the transition, in the same transaction). */
export interface TaskToSchedule {
  /** Stable key within the case: `<state path>/<task id>` plus `#<n>` for repeats (n from 1). */
  key: string;
  taskId: string;
  kind: TaskSpec["kind"];
  /** The state whose entry created it; leaving that state cancels it. */
  state: string;
  /** ISO instant. */
  due: string;
  assignee: Assignee;
  escalation: ScheduledEscalation[];
  /** Labels by language, from the definition. */
  label: Record<string, string>;
  /** 1-based occurrence for repeating follow-ups, 1 otherwise. */
  occurrence: number;
}

/** What a step asks the outside world to do. The engine never does it itself. */
export type Effect =
  | { type: "scheduleTask"; task: TaskToSchedule }
  /** Cancel every open task created by entering `state` (the state was left). */
  | { type: "cancelTasks"; state: string }
  /** The case entered a state with responsible agencies: tell them (no personal data). */
  | { type: "notify"; to: Assignee; reason: "stateEntered"; state: string }
  /** RECORD_CONSENT was accepted: the server stores this consent record with the case. */
  | { type: "recordConsent"; consent: ConsentRecord & { method: string; interpreterUsed?: boolean } };

/** A successful step or start. */
export interface StepSuccess {
  ok: true;
  snapshot: CaseSnapshot;
  effects: Effect[];
  /** Leaf state before and after (equal for a targetless transition). */
  from: string | null;
  to: string;
  stage: StageId;
  /** Set when `to` is a `closed.<outcome>` state. */
  outcome?: ClosedOutcome;
}

/** A problem in event data, with the JSON pointer of the field. */
export interface DataIssue {
  path: string;
  message: string;
}

/** Why a step was refused. Nothing changes on a refusal. */
export type Refusal =
  | { kind: "eventUnknown"; event: string; allowed: string[] }
  | { kind: "eventNotAllowed"; event: string; state: string; allowed: string[] }
  | { kind: "guardFailed"; event: string; state: string; allowed: string[]; failed: string[] }
  | { kind: "invalidData"; event: string; issues: DataIssue[]; allowed: string[] }
  | { kind: "caseClosed"; event: string; state: string; allowed: string[] }
  /** `migrate` only: the plan is invalid, or does not map the case's state (`event` is "MIGRATE"). */
  | { kind: "migrationRefused"; event: string; state: string; problems: PlanProblem[]; allowed: string[] };

export interface StepRefusal {
  ok: false;
  refusal: Refusal;
}

export type StepResult = StepSuccess | StepRefusal;

/** An event that can be sent now, with what it needs. */
export interface AllowedEvent {
  type: string;
  label: Record<string, string>;
  /** JSON Schema (draft 2020-12) of the event's `data`. */
  dataSchema: Record<string, unknown>;
  /** Roles allowed to send it. */
  roles: string[];
  /**
   * Conditions that do not depend on the event's data and currently fail: the event is offered but
   * will be refused until they hold (e.g. consent not yet recorded). Empty when nothing blocks it.
   */
  blockedBy: string[];
}

/**
 * A version migration plan: every leaf state of `from` a case can be in, mapped to a leaf of `to`
 * (or to conditional targets). The schema lives with the definitions; plans are data.
 */
export type { MigrationPlan, MigrationTarget } from "@passerelle/definitions";

export interface PlanProblem {
  path: string;
  message: string;
}
