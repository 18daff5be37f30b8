/**
 * Delivery's rows in PostgreSQL (see `../delivery-repository.ts`). One instance runs on the pool
 * (reads outside a transaction) or on one transaction (`inTransaction`).
 *
 * Several workers on one database: inside a transaction `channelSend` reads the row `FOR UPDATE`,
 * so two workers deciding about the same (message, channel) take turns — the second sees the first's
 * claim once it commits — and `claimChannelSend` is a plain INSERT: when another worker claimed the
 * same (key, channel) first, the unique index refuses it, the claiming transaction rolls back and
 * nothing is sent; the job's retry then finds the claim. Outbox updates are compare-and-set on
 * (step, at), as in SQLite, so a late worker never overwrites a snooze or a completion.
 */
import type { ScheduledEscalation } from "@passerelle/engine";
import { and, asc, eq, isNotNull, isNull, lte, sql } from "drizzle-orm";
import type {
  ChannelSend,
  DeliveryRepository,
  DeliveryTask,
  DueNotice,
  NewChannelSend,
  Rung,
} from "../delivery-repository.ts";
import type { PgDb, PgTx } from "./open.ts";
import { notices, notifications, tasks } from "./schema/index.ts";

const rungColumns = { taskId: tasks.id, step: tasks.nextStep, at: tasks.nextAt };
const toRungs = (rows: { taskId: string; step: number | null; at: string | null }[]): Rung[] =>
  rows.map((r) => ({ taskId: r.taskId, step: r.step as number, at: r.at as string }));
const sameRung = (r: Rung) => and(eq(tasks.id, r.taskId), eq(tasks.nextStep, r.step), eq(tasks.nextAt, r.at));
const sendKey = (key: string, channel: string) =>
  and(eq(notifications.key, key), eq(notifications.channel, channel));

export class PostgresDeliveryRepository implements DeliveryRepository {
  constructor(
    private readonly db: PgDb | PgTx,
    private readonly inTransaction: boolean,
  ) {}

  async rungsToQueue(horizon: string, limit: number): Promise<Rung[]> {
    const rows = await this.db
      .select(rungColumns)
      .from(tasks)
      .where(and(isNull(tasks.nextQueuedAt), eq(tasks.status, "open"), lte(tasks.nextAt, horizon)))
      .orderBy(asc(tasks.nextAt))
      .limit(limit);
    return toRungs(rows);
  }

  async markQueued(rungs: readonly Rung[], queuedAt: string): Promise<void> {
    for (const r of rungs)
      await this.db
        .update(tasks)
        .set({ nextQueuedAt: queuedAt })
        .where(and(sameRung(r), isNull(tasks.nextQueuedAt)));
  }

  async queuedRungsDueBefore(cutoff: string, limit: number): Promise<Rung[]> {
    const rows = await this.db
      .select(rungColumns)
      .from(tasks)
      .where(and(eq(tasks.status, "open"), lte(tasks.nextAt, cutoff), isNotNull(tasks.nextQueuedAt)))
      .orderBy(asc(tasks.nextAt))
      .limit(limit);
    return toRungs(rows);
  }

  async unqueue(rungs: readonly Rung[]): Promise<void> {
    for (const r of rungs) await this.db.update(tasks).set({ nextQueuedAt: null }).where(sameRung(r));
  }

  async unqueueAll(): Promise<number> {
    const result = await this.db
      .update(tasks)
      .set({ nextQueuedAt: null })
      .where(and(eq(tasks.status, "open"), isNotNull(tasks.nextQueuedAt)));
    return result.rowCount ?? 0;
  }

  async dueRungs(now: string, limit: number): Promise<Rung[]> {
    const rows = await this.db
      .select(rungColumns)
      .from(tasks)
      .where(and(eq(tasks.status, "open"), lte(tasks.nextAt, now)))
      .orderBy(asc(tasks.nextAt))
      .limit(limit);
    return toRungs(rows);
  }

  async task(taskId: string): Promise<DeliveryTask | undefined> {
    const [r] = await this.db
      .select({
        id: tasks.id,
        caseId: tasks.caseId,
        taskId: tasks.taskId,
        kind: tasks.kind,
        state: tasks.state,
        status: tasks.status,
        dueAt: tasks.dueAt,
        escalation: tasks.escalation,
        label: tasks.label,
        nextStep: tasks.nextStep,
        nextAt: tasks.nextAt,
      })
      .from(tasks)
      .where(eq(tasks.id, taskId));
    if (!r) return undefined;
    return {
      ...r,
      escalation: JSON.parse(r.escalation) as ScheduledEscalation[],
      label: JSON.parse(r.label) as Record<string, string>,
    };
  }

  async moveRung(
    taskId: string,
    from: { step: number; at: string },
    to: { step: number | null; at: string | null },
  ): Promise<void> {
    await this.db
      .update(tasks)
      .set({ nextStep: to.step, nextAt: to.at, nextQueuedAt: null })
      .where(and(sameRung({ taskId, ...from }), eq(tasks.status, "open")));
  }

  async dueNotices(now: string, limit: number): Promise<DueNotice[]> {
    const rows = await this.db
      .select({
        id: notices.id,
        caseId: notices.caseId,
        state: notices.state,
        recipientRole: notices.recipientRole,
        recipientAgency: notices.recipientAgency,
        label: notices.label,
        nextAt: notices.nextAt,
      })
      .from(notices)
      .where(and(eq(notices.status, "open"), lte(notices.nextAt, now)))
      .orderBy(asc(notices.nextAt))
      .limit(limit);
    return rows.map((r) => ({
      ...r,
      label: JSON.parse(r.label) as Record<string, string>,
      nextAt: r.nextAt as string,
    }));
  }

  async postponeNotice(id: string, nextAt: string): Promise<void> {
    await this.db
      .update(notices)
      .set({ nextAt })
      .where(and(eq(notices.id, id), eq(notices.status, "open")));
  }

  async settleNotice(id: string): Promise<void> {
    await this.db.update(notices).set({ status: "sent", nextAt: null }).where(eq(notices.id, id));
  }

  async agencySees(caseId: string, agency: string): Promise<boolean | undefined> {
    const result = await this.db.execute<{ sees: boolean }>(sql`
      SELECT (c.agency = ${agency} OR EXISTS (
        SELECT 1 FROM case_grants g
        WHERE g.case_id = c.id AND g.agency_id = c.country || ':' || ${agency} AND g.revoked_at IS NULL
      )) AS sees
      FROM cases c WHERE c.id = ${caseId}`);
    const row = result.rows[0];
    // `c.agency = …` is null for a case without an owning agency: not seen, unless granted.
    return row === undefined ? undefined : row.sees === true;
  }

  async channelSend(key: string, channel: string): Promise<ChannelSend | undefined> {
    const query = this.db
      .select({
        status: notifications.status,
        attempts: notifications.attempts,
        claimedUntil: notifications.claimedUntil,
      })
      .from(notifications)
      .where(sendKey(key, channel));
    const [row] = this.inTransaction ? await query.for("update") : await query;
    return row;
  }

  async claimChannelSend(send: NewChannelSend): Promise<void> {
    await this.db.insert(notifications).values({
      key: send.key,
      taskId: send.taskId,
      caseId: send.caseId,
      step: send.step,
      kind: send.kind,
      channel: send.channel,
      recipientRole: send.recipient.role,
      recipientAgency: send.recipient.agency,
      status: "sending",
      attempts: 1,
      claimedUntil: send.leaseUntil,
      createdAt: send.at,
    });
  }

  async reclaimChannelSend(key: string, channel: string, leaseUntil: string): Promise<void> {
    await this.db
      .update(notifications)
      .set({ status: "sending", attempts: sql`${notifications.attempts} + 1`, claimedUntil: leaseUntil })
      .where(sendKey(key, channel));
  }

  async markChannelSent(key: string, channel: string, at: string): Promise<void> {
    await this.db
      .update(notifications)
      .set({ status: "sent", sentAt: at, claimedUntil: null, lastError: null })
      .where(sendKey(key, channel));
  }

  async markChannelFailed(
    key: string,
    channel: string,
    status: "failed" | "dead",
    error: string,
  ): Promise<void> {
    await this.db
      .update(notifications)
      .set({ status, lastError: error, claimedUntil: null })
      .where(sendKey(key, channel));
  }
}
