/**
 * Delivers one rung of one task's ladder through every channel: the same code behind the BullMQ
 * worker and the in-process scheduler. Idempotent by construction:
 * - the rung is identified by (task, step, time); a job for a task that is no longer open, or whose
 *   next rung has moved on (already delivered, snoozed), sends nothing;
 * - each (rung, channel) is claimed in `notifications` (unique key) before sending, with a lease, so
 *   two deliveries of the same job cannot both send; a worker killed mid-send loses its lease and
 *   the retry sends again (webhook receivers deduplicate on the notification id);
 * - the task moves to its next rung only after every channel has sent or given up (dead letter).
 *
 * Hot-path SQL is prepared once with better-sqlite3 rather than built by drizzle per call: a burst
 * of 100,000 due tasks runs these statements half a million times.
 */

import type { ScheduledEscalation } from "@passerelle/engine";
import type Database from "better-sqlite3";
import type { Channel, NotificationMessage } from "./channels/channel.ts";
import type { Clock } from "./clock.ts";
import { kindOf, notificationKey, rungAfter } from "./ladder.ts";

/** One rung to deliver, as a BullMQ job or a scheduler pass carries it. */
export interface DueRung {
  taskId: string;
  step: number;
  /** ISO instant the rung was scheduled for (part of its identity: a snooze makes a new rung). */
  at: string;
}

/**
 * - sent: every channel sent (or dead-lettered) and the task moved to its next rung;
 * - stale: the task is closed or has moved on: nothing sent;
 * - notDue: too early (clock skew, early job): nothing sent, deliver again at `at`;
 * - retry: a channel failed with attempts left: the rung is rescheduled after a backoff;
 * - busy: another worker holds the lease on a channel: try again later.
 */
export type DeliveryOutcome = "sent" | "stale" | "notDue" | "retry" | "busy";

/**
 * The single writer of the database (the store's group-commit queue): delivery writes join the
 * same batches as case transitions, so a burst of reminders costs one fsync per batch.
 */
export interface Writer {
  run<T>(write: () => T): Promise<T>;
}

export interface DeliveryOptions {
  channels: readonly Channel[];
  clock: Clock;
  /** Attempts per channel before the notification is dead-lettered. */
  maxAttempts?: number;
  /** Backoff before attempt n+1 after n failures: `baseBackoffMs × 2^(n−1)`, capped at `maxBackoffMs`. */
  baseBackoffMs?: number;
  maxBackoffMs?: number;
  /** How long a claim protects a send in progress; past it another worker may send again. */
  leaseMs?: number;
}

interface TaskRow {
  id: string;
  case_id: string;
  task_id: string;
  kind: string;
  state: string;
  status: string;
  due_at: string;
  escalation: string;
  label: string;
  next_step: number | null;
  next_at: string | null;
}

interface NotificationRow {
  status: "sending" | "sent" | "failed" | "dead";
  attempts: number;
  claimed_until: string | null;
}

interface Claim {
  message: NotificationMessage;
  toSend: Channel[];
  busy: boolean;
}

export class DeliveryHandler {
  readonly #commit: Writer;
  readonly #channels: readonly Channel[];
  readonly #clock: Clock;
  readonly #maxAttempts: number;
  readonly #baseBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #leaseMs: number;
  readonly #sql: ReturnType<typeof prepare>;

  constructor(sqlite: Database.Database, commit: Writer, options: DeliveryOptions) {
    if (options.channels.length === 0) throw new Error("delivery needs at least one channel");
    this.#commit = commit;
    this.#channels = options.channels;
    this.#clock = options.clock;
    this.#maxAttempts = options.maxAttempts ?? 8;
    this.#baseBackoffMs = options.baseBackoffMs ?? 30_000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 3_600_000;
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#sql = prepare(sqlite);
  }

  async deliver(rung: DueRung): Promise<DeliveryOutcome> {
    const claim = await this.#commit.run(() => this.#claim(rung));
    if (typeof claim === "string") return claim;
    const results = await Promise.all(
      claim.toSend.map(async (channel) => {
        try {
          await channel.send(claim.message);
          return { channel: channel.name, error: null };
        } catch (error) {
          return { channel: channel.name, error: error instanceof Error ? error.message : String(error) };
        }
      }),
    );
    return this.#commit.run(() => this.#finish(rung, claim, results));
  }

  #claim(rung: DueRung): Claim | DeliveryOutcome {
    const task = this.#sql.task.get(rung.taskId) as TaskRow | undefined;
    if (task?.status !== "open" || task.next_step !== rung.step || task.next_at !== rung.at) return "stale";
    const now = this.#clock.now();
    if (Date.parse(rung.at) > now.getTime()) return "notDue";
    const ladder = JSON.parse(task.escalation) as ScheduledEscalation[];
    const current = ladder.find((r) => r.step === rung.step);
    if (!current) return "stale";
    const key = notificationKey(task.id, rung.step);
    const nowIso = now.toISOString();
    const recipient = this.#recipient(task.case_id, current.notify);
    const leaseUntil = new Date(now.getTime() + this.#leaseMs).toISOString();
    const toSend: Channel[] = [];
    let busy = false;
    for (const channel of this.#channels) {
      const existing = this.#sql.notification.get(key, channel.name) as NotificationRow | undefined;
      if (!existing) {
        this.#sql.insertNotification.run({
          key,
          taskId: task.id,
          caseId: task.case_id,
          step: rung.step,
          kind: kindOf(rung.step),
          channel: channel.name,
          role: recipient.role,
          agency: recipient.agency,
          leaseUntil,
          now: nowIso,
        });
        toSend.push(channel);
      } else if (existing.status === "sent" || existing.status === "dead") {
        // Already settled by an earlier delivery of this rung: never send twice.
      } else if (existing.status === "sending" && existing.claimed_until && existing.claimed_until > nowIso) {
        busy = true;
      } else {
        this.#sql.reclaim.run(leaseUntil, key, channel.name);
        toSend.push(channel);
      }
    }
    const message: NotificationMessage = {
      id: key,
      type: kindOf(rung.step),
      caseId: task.case_id,
      task: {
        id: task.id,
        definitionId: task.task_id,
        kind: task.kind,
        state: task.state,
        dueAt: task.due_at,
        label: JSON.parse(task.label) as Record<string, string>,
      },
      step: rung.step,
      recipient,
      firedAt: nowIso,
    };
    return { message, toSend, busy };
  }

  /**
   * Who the rung goes to. A pathway may give work to an agency that cannot see the case yet (it was
   * never referred there, or the referral was revoked with the consent it rested on): a reminder
   * there would ask for work nobody can do, and access is never opened without consent. So it goes
   * to the same role at the agency that owns the case, naming the agency that is waiting
   * (`awaitingAccess`): the owner refers the case — on the person's consent — or reassigns the task.
   */
  #recipient(
    caseId: string,
    notify: { role: string; agency?: string | undefined },
  ): NotificationMessage["recipient"] {
    if (!notify.agency) return { role: notify.role, agency: null };
    const seen = this.#sql.agencySees.get({ case_id: caseId, agency: notify.agency }) as
      | { sees: number }
      | undefined;
    if (!seen || seen.sees === 1) return { role: notify.role, agency: notify.agency };
    return { role: notify.role, agency: null, awaitingAccess: notify.agency };
  }

  #finish(
    rung: DueRung,
    claim: Claim,
    results: { channel: string; error: string | null }[],
  ): DeliveryOutcome {
    const now = this.#clock.now();
    const nowIso = now.toISOString();
    const key = claim.message.id;
    let maxRetryAttempts = 0;
    for (const result of results) {
      if (result.error === null) {
        this.#sql.markSent.run(nowIso, key, result.channel);
        continue;
      }
      const row = this.#sql.notification.get(key, result.channel) as NotificationRow;
      const dead = row.attempts >= this.#maxAttempts;
      this.#sql.markFailed.run(dead ? "dead" : "failed", result.error.slice(0, 500), key, result.channel);
      if (!dead) maxRetryAttempts = Math.max(maxRetryAttempts, row.attempts);
    }
    if (claim.busy) return "busy";
    const task = this.#sql.task.get(rung.taskId) as TaskRow | undefined;
    // Completed, cancelled or snoozed while we were sending: what was sent is recorded, nothing more.
    if (task?.status !== "open" || task.next_step !== rung.step || task.next_at !== rung.at) return "stale";
    if (maxRetryAttempts > 0) {
      const backoff = Math.min(this.#baseBackoffMs * 2 ** (maxRetryAttempts - 1), this.#maxBackoffMs);
      this.#sql.moveRung.run(
        rung.step,
        new Date(now.getTime() + backoff).toISOString(),
        task.id,
        rung.step,
        rung.at,
      );
      return "retry";
    }
    const next = rungAfter(JSON.parse(task.escalation) as ScheduledEscalation[], rung.step);
    this.#sql.moveRung.run(next.nextStep, next.nextAt, task.id, rung.step, rung.at);
    return "sent";
  }
}

function prepare(sqlite: Database.Database) {
  return {
    task: sqlite.prepare(
      `select id, case_id, task_id, kind, state, status, due_at, escalation, label, next_step, next_at
       from tasks where id = ?`,
    ),
    // Whether a pathway agency owns the case or holds a live referral grant on it.
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
    // Compare-and-set on (step, at): a concurrent snooze or completion wins over a late worker.
    moveRung: sqlite.prepare(
      `update tasks set next_step = ?, next_at = ?, next_queued_at = null
       where id = ? and next_step = ? and next_at = ? and status = 'open'`,
    ),
  };
}
