/**
 * Delivery's rows in SQLite. Prepared once rather than built per call: a burst of 100,000 due tasks
 * runs these statements half a million times.
 */
import type { ScheduledEscalation } from "@passerelle/engine";
import type Database from "better-sqlite3";
import type {
  ChannelSend,
  DeliveryRepository,
  DeliveryTask,
  DueNotice,
  NewChannelSend,
  Rung,
} from "../delivery-repository.ts";

type Row = Record<string, unknown>;

const toRung = (r: Row): Rung => ({
  taskId: r.id as string,
  step: r.next_step as number,
  at: r.next_at as string,
});

export class SqliteDeliveryRepository implements DeliveryRepository {
  private readonly s: ReturnType<typeof prepare>;

  constructor(sqlite: Database.Database) {
    this.s = prepare(sqlite);
  }

  async rungsToQueue(horizon: string, limit: number): Promise<Rung[]> {
    return (this.s.pending.all(horizon, limit) as Row[]).map(toRung);
  }

  async markQueued(rungs: readonly Rung[], queuedAt: string): Promise<void> {
    for (const r of rungs) this.s.markQueued.run(queuedAt, r.taskId, r.step, r.at);
  }

  async queuedRungsDueBefore(cutoff: string, limit: number): Promise<Rung[]> {
    return (this.s.overdue.all(cutoff, limit) as Row[]).map(toRung);
  }

  async unqueue(rungs: readonly Rung[]): Promise<void> {
    for (const r of rungs) this.s.unqueue.run(r.taskId, r.step, r.at);
  }

  async unqueueAll(): Promise<number> {
    return this.s.unqueueAll.run().changes;
  }

  async dueRungs(now: string, limit: number): Promise<Rung[]> {
    return (this.s.due.all(now, limit) as Row[]).map(toRung);
  }

  async task(taskId: string): Promise<DeliveryTask | undefined> {
    const r = this.s.task.get(taskId) as Row | undefined;
    if (!r) return undefined;
    return {
      id: r.id as string,
      caseId: r.case_id as string,
      taskId: r.task_id as string,
      kind: r.kind as string,
      state: r.state as string,
      status: r.status as string,
      dueAt: r.due_at as string,
      escalation: JSON.parse(r.escalation as string) as ScheduledEscalation[],
      label: JSON.parse(r.label as string) as Record<string, string>,
      nextStep: r.next_step as number | null,
      nextAt: r.next_at as string | null,
    };
  }

  async moveRung(
    taskId: string,
    from: { step: number; at: string },
    to: { step: number | null; at: string | null },
  ): Promise<void> {
    this.s.moveRung.run(to.step, to.at, taskId, from.step, from.at);
  }

  async dueNotices(now: string, limit: number): Promise<DueNotice[]> {
    return (this.s.dueNotices.all(now, limit) as Row[]).map((r) => ({
      id: r.id as string,
      caseId: r.case_id as string,
      state: r.state as string,
      recipientRole: r.recipient_role as string,
      recipientAgency: r.recipient_agency as string | null,
      label: JSON.parse(r.label as string) as Record<string, string>,
      nextAt: r.next_at as string,
    }));
  }

  async postponeNotice(id: string, nextAt: string): Promise<void> {
    this.s.postponeNotice.run(nextAt, id);
  }

  async settleNotice(id: string): Promise<void> {
    this.s.settleNotice.run(id);
  }

  async agencySees(caseId: string, agency: string): Promise<boolean | undefined> {
    const row = this.s.agencySees.get({ case_id: caseId, agency }) as { sees: number } | undefined;
    return row === undefined ? undefined : row.sees === 1;
  }

  async channelSend(key: string, channel: string): Promise<ChannelSend | undefined> {
    const r = this.s.notification.get(key, channel) as Row | undefined;
    if (!r) return undefined;
    return {
      status: r.status as ChannelSend["status"],
      attempts: r.attempts as number,
      claimedUntil: r.claimed_until as string | null,
    };
  }

  async claimChannelSend(send: NewChannelSend): Promise<void> {
    this.s.insertNotification.run({
      key: send.key,
      taskId: send.taskId,
      caseId: send.caseId,
      step: send.step,
      kind: send.kind,
      channel: send.channel,
      role: send.recipient.role,
      agency: send.recipient.agency,
      leaseUntil: send.leaseUntil,
      now: send.at,
    });
  }

  async reclaimChannelSend(key: string, channel: string, leaseUntil: string): Promise<void> {
    this.s.reclaim.run(leaseUntil, key, channel);
  }

  async markChannelSent(key: string, channel: string, at: string): Promise<void> {
    this.s.markSent.run(at, key, channel);
  }

  async markChannelFailed(
    key: string,
    channel: string,
    status: "failed" | "dead",
    error: string,
  ): Promise<void> {
    this.s.markFailed.run(status, error, key, channel);
  }
}

function prepare(sqlite: Database.Database) {
  return {
    // The partial outbox index holds only rows waiting for the relay; without the hint the planner
    // may walk (status, next_at) through every rung already queued within the horizon.
    pending: sqlite.prepare(
      `select id, next_step, next_at from tasks indexed by tasks_outbox
       where next_queued_at is null and status = 'open' and next_at <= ? order by next_at limit ?`,
    ),
    markQueued: sqlite.prepare(
      "update tasks set next_queued_at = ? where id = ? and next_step = ? and next_at = ? and next_queued_at is null",
    ),
    overdue: sqlite.prepare(
      `select id, next_step, next_at from tasks
       where status = 'open' and next_at <= ? and next_queued_at is not null order by next_at limit ?`,
    ),
    unqueue: sqlite.prepare(
      "update tasks set next_queued_at = null where id = ? and next_step = ? and next_at = ?",
    ),
    unqueueAll: sqlite.prepare(
      "update tasks set next_queued_at = null where status = 'open' and next_queued_at is not null",
    ),
    due: sqlite.prepare(
      "select id, next_step, next_at from tasks where status = 'open' and next_at <= ? order by next_at limit ?",
    ),
    task: sqlite.prepare(
      `select id, case_id, task_id, kind, state, status, due_at, escalation, label, next_step, next_at
       from tasks where id = ?`,
    ),
    // Compare-and-set on (step, at): a concurrent snooze or completion wins over a late worker.
    moveRung: sqlite.prepare(
      `update tasks set next_step = ?, next_at = ?, next_queued_at = null
       where id = ? and next_step = ? and next_at = ? and status = 'open'`,
    ),
    dueNotices: sqlite.prepare(
      `select id, case_id, state, recipient_role, recipient_agency, label, next_at
       from notices indexed by notices_open where status = 'open' and next_at <= ? order by next_at limit ?`,
    ),
    postponeNotice: sqlite.prepare("update notices set next_at = ? where id = ? and status = 'open'"),
    settleNotice: sqlite.prepare("update notices set status = 'sent', next_at = null where id = ?"),
    agencySees: sqlite.prepare(
      `SELECT (c.agency = @agency OR EXISTS (SELECT 1 FROM case_grants g WHERE g.case_id = c.id AND g.agency_id = c.country || ':' || @agency AND g.revoked_at IS NULL)) AS sees
       FROM cases c WHERE c.id = @case_id`,
    ),
    notification: sqlite.prepare(
      "select status, attempts, claimed_until from notifications where key = ? and channel = ?",
    ),
    insertNotification: sqlite.prepare(
      `insert into notifications (key, task_id, case_id, step, kind, channel, recipient_role, recipient_agency,
         status, attempts, claimed_until, created_at)
       values (@key, @taskId, @caseId, @step, @kind, @channel, @role, @agency, 'sending', 1, @leaseUntil, @now)`,
    ),
    reclaim: sqlite.prepare(
      `update notifications set status = 'sending', attempts = attempts + 1, claimed_until = ?
       where key = ? and channel = ?`,
    ),
    markSent: sqlite.prepare(
      `update notifications set status = 'sent', sent_at = ?, claimed_until = null, last_error = null
       where key = ? and channel = ?`,
    ),
    markFailed: sqlite.prepare(
      "update notifications set status = ?, last_error = ?, claimed_until = null where key = ? and channel = ?",
    ),
  };
}
