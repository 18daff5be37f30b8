/**
 * Tasks beyond what a transition writes: what a supervisor does to one (snooze, reassign, with a
 * reason), and what delivery recorded about it (notifications, dead letters). Rows only: how a
 * snooze moves a ladder is delivery's rule (`delivery/ladder.ts`).
 */
import type { Assignee } from "@passerelle/definitions";
import type { ScheduledEscalation } from "@passerelle/engine";
import type { TaskRecord } from "./records.ts";

export interface NotificationRecord {
  id: number;
  key: string;
  taskId: string;
  caseId: string;
  step: number;
  kind: "reminder" | "escalation" | "notice";
  channel: string;
  recipient: { role: string; agency: string | null };
  status: "sending" | "sent" | "failed" | "dead";
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

export interface TaskActionRecord {
  action: "complete" | "snooze" | "reassign";
  actor: string;
  /** A reason was given (free text: its words only in the audited person read). */
  hasReason: boolean;
  detail: Record<string, unknown>;
  at: string;
}

/** A task's ladder as a snooze or a reassignment changes it. */
export interface TaskLadder {
  id: string;
  caseId: string;
  status: string;
  dueAt: string;
  assignee: Assignee;
  escalation: ScheduledEscalation[];
  nextStep: number | null;
}

export interface NewTaskAction {
  taskId: string;
  caseId: string;
  action: TaskActionRecord["action"];
  actor: string;
  /** Free text a supervisor typed: sealed by the store like every free text. */
  reason: string;
  detail: object;
  at: string;
}

export interface TaskRepository {
  get(taskId: string): Promise<TaskRecord | undefined>;
  /** The case a task belongs to, with its country and pathway version (calendars). */
  caseOf(taskId: string): Promise<{ caseId: string; country: string; pathwayVersion: number } | undefined>;
  ladder(taskId: string): Promise<TaskLadder | undefined>;
  /** New due time and ladder of an open task; its next rung goes back to the outbox (a new job). */
  reschedule(
    taskId: string,
    change: { dueAt: string; escalation: ScheduledEscalation[]; nextAt: string | null },
  ): Promise<void>;
  /** New assignee and ladder of an open task. */
  reassign(taskId: string, change: { assignee: Assignee; escalation: ScheduledEscalation[] }): Promise<void>;
  recordAction(action: NewTaskAction): Promise<void>;
  actionsOf(taskId: string): Promise<TaskActionRecord[]>;
  /** The reasons given for a case's task actions, opened: for the audited person read only. */
  reasonsOfCase(
    caseId: string,
  ): Promise<{ taskId: string; action: string; at: string; reason: string | null }[]>;
  notificationsOfTask(taskId: string): Promise<NotificationRecord[]>;
  notificationsOfCase(caseId: string): Promise<NotificationRecord[]>;
  /** Dead letters, newest first (keyset on the row id). */
  deadLetters(limit: number, beforeId?: number): Promise<NotificationRecord[]>;
}
