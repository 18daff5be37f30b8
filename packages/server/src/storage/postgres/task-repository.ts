/** Tasks beyond what a transition writes, in PostgreSQL (see `../task-repository.ts`). */
import type { Assignee } from "@passerelle/definitions";
import type { CaseSnapshot, ScheduledEscalation } from "@passerelle/engine";
import { and, asc, desc, eq, isNotNull, lt, sql } from "drizzle-orm";
import type { Keyring } from "../../crypto/keyring.ts";
import { aad, decodeText, encodeText } from "../../crypto/personal-data-codec.ts";
import type { TaskRecord } from "../records.ts";
import type {
  CaseWithOpenTasks,
  NewTaskAction,
  NotificationRecord,
  Retiming,
  TaskActionRecord,
  TaskLadder,
  TaskRepository,
} from "../task-repository.ts";
import { codecOfCase } from "./case-codec.ts";
import type { PgDb, PgTx } from "./open.ts";
import { caseHistory, cases, notifications, taskActions, tasks } from "./schema/index.ts";

type NotificationRow = typeof notifications.$inferSelect;

function toNotification(r: NotificationRow): NotificationRecord {
  return {
    id: r.id,
    key: r.key,
    taskId: r.taskId,
    caseId: r.caseId,
    step: r.step,
    kind: r.kind,
    channel: r.channel,
    recipient: { role: r.recipientRole, agency: r.recipientAgency },
    status: r.status,
    attempts: r.attempts,
    lastError: r.lastError,
    createdAt: r.createdAt,
    sentAt: r.sentAt,
  };
}

function toTask(r: typeof tasks.$inferSelect): TaskRecord {
  return {
    id: r.id,
    caseId: r.caseId,
    key: r.key,
    taskId: r.taskId,
    kind: r.kind,
    state: r.state,
    status: r.status,
    dueAt: r.dueAt,
    assignee: JSON.parse(r.assignee) as Assignee,
    escalation: JSON.parse(r.escalation) as ScheduledEscalation[],
    label: JSON.parse(r.label) as Record<string, string>,
    occurrence: r.occurrence,
    createdAt: r.createdAt,
    completedAt: r.completedAt,
    // Never opened here: a note is free text, shown only by the audited person read.
    hasNote: r.note !== null,
  };
}

/** The earliest due time of the case's open tasks, kept on the case row for `overdue`. */
const refreshNextDue = (caseId: string) =>
  sql`UPDATE cases SET next_due_at = (SELECT min(due_at) FROM tasks WHERE case_id = ${caseId} AND status = 'open') WHERE id = ${caseId}`;

export class PostgresTaskRepository implements TaskRepository {
  constructor(
    private readonly db: PgDb | PgTx,
    /** The data keys; undefined only without protections (values stored plain). */
    private readonly keyring: Keyring | undefined,
  ) {}

  async get(taskId: string): Promise<TaskRecord | undefined> {
    const [row] = await this.db.select().from(tasks).where(eq(tasks.id, taskId));
    return row ? toTask(row) : undefined;
  }

  async caseOf(taskId: string) {
    const [row] = await this.db
      .select({ caseId: tasks.caseId, country: cases.country, pathwayVersion: cases.pathwayVersion })
      .from(tasks)
      .innerJoin(cases, eq(cases.id, tasks.caseId))
      .where(eq(tasks.id, taskId));
    return row;
  }

  async ladder(taskId: string): Promise<TaskLadder | undefined> {
    const [r] = await this.db
      .select({
        id: tasks.id,
        caseId: tasks.caseId,
        status: tasks.status,
        dueAt: tasks.dueAt,
        assignee: tasks.assignee,
        escalation: tasks.escalation,
        nextStep: tasks.nextStep,
      })
      .from(tasks)
      .where(eq(tasks.id, taskId));
    if (!r) return undefined;
    return {
      ...r,
      assignee: JSON.parse(r.assignee) as Assignee,
      escalation: JSON.parse(r.escalation) as ScheduledEscalation[],
    };
  }

  async reschedule(
    taskId: string,
    change: { dueAt: string; escalation: ScheduledEscalation[]; nextAt: string | null },
  ): Promise<void> {
    // The rung goes back to the outbox: its time changed, so it needs a new job.
    const updated = await this.db
      .update(tasks)
      .set({
        dueAt: change.dueAt,
        escalation: JSON.stringify(change.escalation),
        nextAt: change.nextAt,
        nextQueuedAt: null,
      })
      .where(and(eq(tasks.id, taskId), eq(tasks.status, "open")))
      .returning({ caseId: tasks.caseId });
    const [row] =
      updated.length > 0
        ? updated
        : await this.db.select({ caseId: tasks.caseId }).from(tasks).where(eq(tasks.id, taskId));
    if (row) await this.db.execute(refreshNextDue(row.caseId));
  }

  async reassign(taskId: string, change: { assignee: Assignee; escalation: ScheduledEscalation[] }) {
    await this.db
      .update(tasks)
      .set({
        assignee: JSON.stringify(change.assignee),
        assigneeRole: change.assignee.role,
        assigneeAgency: change.assignee.agency ?? null,
        escalation: JSON.stringify(change.escalation),
      })
      .where(and(eq(tasks.id, taskId), eq(tasks.status, "open")));
  }

  async recordAction(a: NewTaskAction): Promise<void> {
    const codec = await codecOfCase(this.db, this.keyring, a.caseId);
    await this.db.insert(taskActions).values({
      taskId: a.taskId,
      caseId: a.caseId,
      action: a.action,
      actor: a.actor,
      reason: encodeText(codec, aad.taskActionReason(a.caseId, a.taskId, a.action, a.at), a.reason),
      detail: JSON.stringify(a.detail),
      at: a.at,
    });
  }

  async actionsOf(taskId: string): Promise<TaskActionRecord[]> {
    const rows = await this.db
      .select({
        action: taskActions.action,
        actor: taskActions.actor,
        reason: taskActions.reason,
        detail: taskActions.detail,
        at: taskActions.at,
      })
      .from(taskActions)
      .where(eq(taskActions.taskId, taskId))
      .orderBy(asc(taskActions.id));
    return rows.map(({ reason, detail, ...r }) => ({
      ...r,
      hasReason: reason !== null,
      detail: JSON.parse(detail) as Record<string, unknown>,
    }));
  }

  async reasonsOfCase(caseId: string) {
    const rows = await this.db
      .select({
        taskId: taskActions.taskId,
        action: taskActions.action,
        at: taskActions.at,
        reason: taskActions.reason,
      })
      .from(taskActions)
      .where(and(eq(taskActions.caseId, caseId), isNotNull(taskActions.reason)))
      .orderBy(asc(taskActions.id));
    if (rows.length === 0) return [];
    const codec = await codecOfCase(this.db, this.keyring, caseId);
    return rows.map((r) => ({
      taskId: r.taskId,
      action: r.action,
      at: r.at,
      reason: decodeText(codec, aad.taskActionReason(caseId, r.taskId, r.action, r.at), r.reason as string),
    }));
  }

  async notificationsOfTask(taskId: string): Promise<NotificationRecord[]> {
    const rows = await this.db
      .select()
      .from(notifications)
      .where(eq(notifications.taskId, taskId))
      .orderBy(asc(notifications.step), asc(notifications.channel));
    return rows.map(toNotification);
  }

  async notificationsOfCase(caseId: string): Promise<NotificationRecord[]> {
    const rows = await this.db
      .select()
      .from(notifications)
      .where(eq(notifications.caseId, caseId))
      .orderBy(asc(notifications.id));
    return rows.map(toNotification);
  }

  async deadLetters(limit: number, beforeId?: number): Promise<NotificationRecord[]> {
    const rows = await this.db
      .select()
      .from(notifications)
      .where(and(eq(notifications.status, "dead"), lt(notifications.id, beforeId ?? 2_147_483_647)))
      .orderBy(desc(notifications.id))
      .limit(limit);
    return rows.map(toNotification);
  }

  async openTasksOf(country: string): Promise<CaseWithOpenTasks[]> {
    const rows = await this.db
      .select({
        id: cases.id,
        pathwayVersion: cases.pathwayVersion,
        revision: cases.revision,
        state: cases.state,
        snapshot: cases.snapshot,
      })
      .from(cases)
      .where(and(eq(cases.country, country), sql`${cases.stage} <> 'closed'`, isNotNull(cases.nextDueAt)))
      .orderBy(asc(cases.id));
    const out: CaseWithOpenTasks[] = [];
    for (const c of rows) {
      const open = await this.db
        .select({
          id: tasks.id,
          key: tasks.key,
          state: tasks.state,
          dueAt: tasks.dueAt,
          nextStep: tasks.nextStep,
        })
        .from(tasks)
        .where(and(eq(tasks.caseId, c.id), eq(tasks.status, "open")))
        .orderBy(asc(tasks.id));
      out.push({
        caseId: c.id,
        pathwayVersion: c.pathwayVersion,
        revision: c.revision,
        state: c.state,
        snapshot: JSON.parse(c.snapshot) as CaseSnapshot,
        tasks: open,
      });
    }
    return out;
  }

  async retime(r: Retiming): Promise<boolean> {
    const revision = r.expectedRevision + 1;
    const swapped = await this.db
      .update(cases)
      .set({ revision, updatedAt: r.at })
      .where(and(eq(cases.id, r.caseId), eq(cases.revision, r.expectedRevision)))
      .returning({ id: cases.id });
    if (swapped.length !== 1) return false;
    for (const m of r.moves)
      await this.db
        .update(tasks)
        .set({
          dueAt: m.dueAt,
          escalation: JSON.stringify(m.escalation),
          nextStep: m.nextStep,
          nextAt: m.nextAt,
          nextQueuedAt: null,
        })
        .where(and(eq(tasks.id, m.taskId), eq(tasks.status, "open")));
    await this.db.insert(caseHistory).values({
      caseId: r.caseId,
      seq: revision,
      eventType: r.history.eventType,
      data: JSON.stringify(r.history.data),
      personalFields: "[]",
      personalData: null,
      fromState: r.state,
      toState: r.state,
      actor: r.history.actor,
      at: r.at,
      pathwayVersion: r.pathwayVersion,
      auditSeq: r.auditSeq,
    });
    await this.db.execute(refreshNextDue(r.caseId));
    return true;
  }
}
