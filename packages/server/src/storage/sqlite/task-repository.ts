import type { Assignee } from "@passerelle/definitions";
import type { ScheduledEscalation } from "@passerelle/engine";
import type Database from "better-sqlite3";
import { aad, decodeText, encodeText, type PersonalDataCodec } from "../../crypto/personal-data-codec.ts";
import type { TaskRecord } from "../records.ts";
import type {
  NewTaskAction,
  NotificationRecord,
  TaskActionRecord,
  TaskLadder,
  TaskRepository,
} from "../task-repository.ts";
import { toTask } from "./rows.ts";

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

export class SqliteTaskRepository implements TaskRepository {
  private readonly s: ReturnType<typeof prepare>;

  constructor(
    sqlite: Database.Database,
    private readonly codec: PersonalDataCodec,
  ) {
    this.s = prepare(sqlite);
  }

  async get(taskId: string): Promise<TaskRecord | undefined> {
    const row = this.s.fullTask.get(taskId) as Row | undefined;
    return row ? toTask(row) : undefined;
  }

  async caseOf(taskId: string) {
    const row = this.s.taskCase.get(taskId) as Row | undefined;
    return row
      ? {
          caseId: row.case_id as string,
          country: row.country as string,
          pathwayVersion: row.pathway_version as number,
        }
      : undefined;
  }

  async ladder(taskId: string): Promise<TaskLadder | undefined> {
    const r = this.s.task.get(taskId) as Row | undefined;
    if (!r) return undefined;
    return {
      id: r.id as string,
      caseId: r.case_id as string,
      status: r.status as string,
      dueAt: r.due_at as string,
      assignee: JSON.parse(r.assignee as string) as Assignee,
      escalation: JSON.parse(r.escalation as string) as ScheduledEscalation[],
      nextStep: r.next_step as number | null,
    };
  }

  async reschedule(
    taskId: string,
    change: { dueAt: string; escalation: ScheduledEscalation[]; nextAt: string | null },
  ): Promise<void> {
    const row = this.s.task.get(taskId) as Row | undefined;
    this.s.updateLadder.run({
      id: taskId,
      due_at: change.dueAt,
      escalation: JSON.stringify(change.escalation),
      next_at: change.nextAt,
    });
    if (row) this.s.refreshNextDue.run(row.case_id);
  }

  async reassign(taskId: string, change: { assignee: Assignee; escalation: ScheduledEscalation[] }) {
    this.s.reassign.run({
      id: taskId,
      assignee: JSON.stringify(change.assignee),
      role: change.assignee.role,
      agency: change.assignee.agency ?? null,
      escalation: JSON.stringify(change.escalation),
    });
  }

  async recordAction(a: NewTaskAction): Promise<void> {
    this.s.insertAction.run({
      task_id: a.taskId,
      case_id: a.caseId,
      action: a.action,
      actor: a.actor,
      reason: encodeText(this.codec, aad.taskActionReason(a.caseId, a.taskId, a.action, a.at), a.reason),
      detail: JSON.stringify(a.detail),
      at: a.at,
    });
  }

  async actionsOf(taskId: string): Promise<TaskActionRecord[]> {
    return (this.s.actions.all(taskId) as Row[]).map((r) => ({
      action: r.action as TaskActionRecord["action"],
      actor: r.actor as string,
      hasReason: r.reason !== null && r.reason !== undefined,
      detail: JSON.parse(r.detail as string) as Record<string, unknown>,
      at: r.at as string,
    }));
  }

  async reasonsOfCase(caseId: string) {
    return (this.s.reasonsOfCase.all(caseId) as Row[]).map((r) => ({
      taskId: r.task_id as string,
      action: r.action as string,
      at: r.at as string,
      reason: decodeText(
        this.codec,
        aad.taskActionReason(caseId, r.task_id as string, r.action as string, r.at as string),
        r.reason as string,
      ),
    }));
  }

  async notificationsOfTask(taskId: string): Promise<NotificationRecord[]> {
    return (this.s.notificationsOfTask.all(taskId) as Row[]).map(toNotification);
  }

  async notificationsOfCase(caseId: string): Promise<NotificationRecord[]> {
    return (this.s.notificationsOfCase.all(caseId) as Row[]).map(toNotification);
  }

  async deadLetters(limit: number, beforeId?: number): Promise<NotificationRecord[]> {
    return (this.s.deadLetters.all(beforeId ?? Number.MAX_SAFE_INTEGER, limit) as Row[]).map(toNotification);
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
