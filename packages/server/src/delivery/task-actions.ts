/**
 * What people do to a task besides completing it, and what delivery recorded about it:
 * - snooze (a supervisor postpones the due time and the rungs before it, with a reason);
 * - reassign (a supervisor gives the task to another role or agency, with a reason; the rungs that
 *   reminded the previous assignee now remind the new one);
 * - the reminders and escalations sent for a task or a case, and the dead letters.
 * Each change is one write through the store's single writer, and puts the task's next rung back in
 * the outbox, so the relay queues a fresh job (a snoozed rung has a new job id; the old job finds the
 * task moved on and sends nothing).
 */

import type { Assignee } from "@passerelle/definitions";
import type { ScheduledEscalation } from "@passerelle/engine";
import type Database from "better-sqlite3";
import { aad, decodeText, encodeText, type PersonalDataCodec } from "../crypto/personal-data-codec.ts";
import type { TaskRecord } from "../storage/records.ts";
import { toTask } from "../storage/sqlite/rows.ts";

/** The store's group commit: task actions still run as synchronous closures on its connection. */
interface Writer {
  run<T>(write: () => T): Promise<T>;
}

import { reassignLadder, snoozeLadder } from "./ladder.ts";

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

export type TaskChangeResult =
  | { status: "changed"; caseId: string }
  | { status: "notFound" }
  | { status: "notOpen"; taskStatus: string };

interface TaskRow {
  id: string;
  case_id: string;
  status: string;
  due_at: string;
  assignee: string;
  escalation: string;
  next_step: number | null;
}

type Row = Record<string, unknown>;

function toNotification(r: Row): NotificationRecord {
  return {
    id: r.id as number,
    key: r.key as string,
    taskId: r.task_id as string,
    caseId: r.case_id as string,
    step: r.step as number,
    kind: r.kind as NotificationRecord["kind"],
    channel: r.channel as string,
    recipient: { role: r.recipient_role as string, agency: (r.recipient_agency as string | null) ?? null },
    status: r.status as NotificationRecord["status"],
    attempts: r.attempts as number,
    lastError: (r.last_error as string | null) ?? null,
    createdAt: r.created_at as string,
    sentAt: (r.sent_at as string | null) ?? null,
  };
}

export class TaskActions {
  readonly #writer: Writer;
  readonly #sql: ReturnType<typeof prepare>;

  readonly #codec: PersonalDataCodec;

  constructor(sqlite: Database.Database, writer: Writer, codec: PersonalDataCodec) {
    this.#writer = writer;
    this.#codec = codec;
    this.#sql = prepare(sqlite);
  }

  getTask(taskId: string): TaskRecord | undefined {
    const row = this.#sql.fullTask.get(taskId) as Row | undefined;
    return row ? toTask(row) : undefined;
  }

  /** Case and pathway-relevant facts of a task, for the route to compute a snooze in the right calendar. */
  taskCase(taskId: string): { caseId: string; country: string; pathwayVersion: number } | undefined {
    const row = this.#sql.taskCase.get(taskId) as Row | undefined;
    return row
      ? {
          caseId: row.case_id as string,
          country: row.country as string,
          pathwayVersion: row.pathway_version as number,
        }
      : undefined;
  }

  /** Postpones the task to `until`: due time, and every rung before it (see `snoozeLadder`). */
  snooze(
    taskId: string,
    input: { until: string; actor: string; reason: string; at: string },
  ): Promise<TaskChangeResult> {
    return this.#writer.run((): TaskChangeResult => {
      const task = this.#sql.task.get(taskId) as TaskRow | undefined;
      if (!task) return { status: "notFound" };
      if (task.status !== "open") return { status: "notOpen", taskStatus: task.status };
      const ladder = snoozeLadder(JSON.parse(task.escalation) as ScheduledEscalation[], input.until);
      const dueAt = Date.parse(task.due_at) >= Date.parse(input.until) ? task.due_at : input.until;
      const next = ladder.find((rung) => rung.step === task.next_step);
      this.#sql.updateLadder.run({
        id: taskId,
        due_at: dueAt,
        escalation: JSON.stringify(ladder),
        next_at: next ? next.at : null,
      });
      this.#sql.refreshNextDue.run(task.case_id);
      this.#record(task, "snooze", input, { fromDueAt: task.due_at, toDueAt: dueAt, until: input.until });
      return { status: "changed", caseId: task.case_id };
    });
  }

  /** Gives the task to another role/agency; rungs that reminded the previous assignee follow. */
  reassign(
    taskId: string,
    input: { to: Assignee; actor: string; reason: string; at: string },
  ): Promise<TaskChangeResult> {
    return this.#writer.run((): TaskChangeResult => {
      const task = this.#sql.task.get(taskId) as TaskRow | undefined;
      if (!task) return { status: "notFound" };
      if (task.status !== "open") return { status: "notOpen", taskStatus: task.status };
      const from = JSON.parse(task.assignee) as Assignee;
      const ladder = reassignLadder(JSON.parse(task.escalation) as ScheduledEscalation[], from, input.to);
      this.#sql.reassign.run({
        id: taskId,
        assignee: JSON.stringify(input.to),
        role: input.to.role,
        agency: input.to.agency ?? null,
        escalation: JSON.stringify(ladder),
      });
      this.#record(task, "reassign", input, { from, to: input.to });
      return { status: "changed", caseId: task.case_id };
    });
  }

  notificationsOfTask(taskId: string): NotificationRecord[] {
    return (this.#sql.notificationsOfTask.all(taskId) as Row[]).map(toNotification);
  }

  notificationsOfCase(caseId: string): NotificationRecord[] {
    return (this.#sql.notificationsOfCase.all(caseId) as Row[]).map(toNotification);
  }

  /** Dead letters, newest first (keyset on the row id). */
  deadLetters(limit: number, beforeId?: number): NotificationRecord[] {
    return (this.#sql.deadLetters.all(beforeId ?? Number.MAX_SAFE_INTEGER, limit) as Row[]).map(
      toNotification,
    );
  }

  actionsOfTask(taskId: string): TaskActionRecord[] {
    return (this.#sql.actions.all(taskId) as Row[]).map((r) => ({
      action: r.action as TaskActionRecord["action"],
      actor: r.actor as string,
      hasReason: r.reason !== null && r.reason !== undefined,
      detail: JSON.parse(r.detail as string) as Record<string, unknown>,
      at: r.at as string,
    }));
  }

  /** The reasons given for a case's task actions, opened: for the audited person read only. */
  reasonsOfCase(caseId: string): { taskId: string; action: string; at: string; reason: string | null }[] {
    return (this.#sql.reasonsOfCase.all(caseId) as Row[]).map((r) => ({
      taskId: r.task_id as string,
      action: r.action as string,
      at: r.at as string,
      reason: decodeText(
        this.#codec,
        aad.taskActionReason(caseId, r.task_id as string, r.action as string, r.at as string),
        r.reason as string,
      ),
    }));
  }

  #record(
    task: TaskRow,
    action: TaskActionRecord["action"],
    input: { actor: string; reason: string; at: string },
    detail: object,
  ) {
    this.#sql.insertAction.run({
      task_id: task.id,
      case_id: task.case_id,
      action,
      actor: input.actor,
      // Free text a supervisor typed: sealed like every free text.
      reason: encodeText(
        this.#codec,
        aad.taskActionReason(task.case_id, task.id, action, input.at),
        input.reason,
      ),
      detail: JSON.stringify(detail),
      at: input.at,
    });
  }
}

function prepare(sqlite: Database.Database) {
  return {
    task: sqlite.prepare(
      "select id, case_id, status, due_at, assignee, escalation, next_step from tasks where id = ?",
    ),
    fullTask: sqlite.prepare("select * from tasks where id = ?"),
    taskCase: sqlite.prepare(
      "select t.case_id, c.country, c.pathway_version from tasks t join cases c on c.id = t.case_id where t.id = ?",
    ),
    updateLadder: sqlite.prepare(
      // The rung goes back to the outbox: its time changed, so it needs a new job.
      `update tasks set due_at = @due_at, escalation = @escalation, next_at = @next_at, next_queued_at = null
       where id = @id and status = 'open'`,
    ),
    reassign: sqlite.prepare(
      `update tasks set assignee = @assignee, assignee_role = @role, assignee_agency = @agency, escalation = @escalation
       where id = @id and status = 'open'`,
    ),
    refreshNextDue: sqlite.prepare(
      "update cases set next_due_at = (select min(due_at) from tasks where case_id = cases.id and status = 'open') where id = ?",
    ),
    insertAction: sqlite.prepare(
      `insert into task_actions (task_id, case_id, action, actor, reason, detail, at)
       values (@task_id, @case_id, @action, @actor, @reason, @detail, @at)`,
    ),
    reasonsOfCase: sqlite.prepare(
      "select task_id, action, reason, at from task_actions where case_id = ? and reason is not null order by id",
    ),
    actions: sqlite.prepare(
      "select action, actor, reason, detail, at from task_actions where task_id = ? order by id",
    ),
    notificationsOfTask: sqlite.prepare(
      "select * from notifications where task_id = ? order by step, channel",
    ),
    notificationsOfCase: sqlite.prepare("select * from notifications where case_id = ? order by id"),
    deadLetters: sqlite.prepare(
      "select * from notifications where status = 'dead' and id < ? order by id desc limit ?",
    ),
  };
}
