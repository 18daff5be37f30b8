/**
 * Delivers "a case entered your state" notices (the `notices` outbox) through the reminder
 * channels, recorded per channel in `notifications` like reminders (kind `notice`). The same rules
 * as the task handler (`handler.ts`), for a message that has one rung and no task:
 * - each (notice, channel) is claimed in `notifications` (unique key) with a lease before sending,
 *   so two passes, or two workers, never both send it;
 * - a failed channel is retried with exponential backoff until `maxAttempts`, then dead-lettered;
 * - the notice is settled (`sent`) once every channel has sent or given up.
 * Notices are due when written, so a pass over the open ones (by `next_at`) is all the scheduling
 * they need: the in-process scheduler runs it, and in BullMQ mode the worker process does.
 */
import type Database from "better-sqlite3";
import type { Channel, NotificationMessage } from "./channels/channel.ts";
import type { Clock } from "./clock.ts";
import type { DeliveryOptions, Writer } from "./handler.ts";
import { prepareAgencySees, recipientOf } from "./recipient.ts";

interface NoticeRow {
  id: string;
  case_id: string;
  state: string;
  recipient_role: string;
  recipient_agency: string | null;
  label: string;
  next_at: string;
}

interface NotificationRow {
  status: "sending" | "sent" | "failed" | "dead";
  attempts: number;
  claimed_until: string | null;
}

export interface NoticeReport {
  sent: number;
  retry: number;
  busy: number;
}

export class NoticeHandler {
  readonly #commit: Writer;
  readonly #channels: readonly Channel[];
  readonly #clock: Clock;
  readonly #maxAttempts: number;
  readonly #baseBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #leaseMs: number;
  readonly #sql: ReturnType<typeof prepare>;

  constructor(sqlite: Database.Database, commit: Writer, options: DeliveryOptions) {
    this.#commit = commit;
    this.#channels = options.channels;
    this.#clock = options.clock;
    this.#maxAttempts = options.maxAttempts ?? 8;
    this.#baseBackoffMs = options.baseBackoffMs ?? 30_000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 3_600_000;
    this.#leaseMs = options.leaseMs ?? 60_000;
    this.#sql = prepare(sqlite);
  }

  /** Delivers every notice due now, `batchSize` at a time. */
  async deliverDue(batchSize = 1000): Promise<NoticeReport> {
    const report: NoticeReport = { sent: 0, retry: 0, busy: 0 };
    for (;;) {
      const rows = this.#sql.due.all(this.#clock.now().toISOString(), batchSize) as NoticeRow[];
      if (rows.length === 0) break;
      const outcomes = await Promise.all(rows.map((row) => this.#deliver(row)));
      for (const outcome of outcomes) report[outcome]++;
      // Notices another process is sending stay due; stop rather than spin on them.
      if (outcomes.every((o) => o === "busy") || rows.length < batchSize) break;
    }
    return report;
  }

  async #deliver(notice: NoticeRow): Promise<keyof NoticeReport> {
    const claim = await this.#commit.run(() => this.#claim(notice));
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
    return this.#commit.run(() => this.#finish(notice, claim.busy, results));
  }

  #claim(notice: NoticeRow): { message: NotificationMessage; toSend: Channel[]; busy: boolean } {
    const now = this.#clock.now();
    const nowIso = now.toISOString();
    const leaseUntil = new Date(now.getTime() + this.#leaseMs).toISOString();
    // An agency that cannot see the case is not told about it: its role at the owner is, naming it.
    const recipient = recipientOf(this.#sql.agencySees, notice.case_id, {
      role: notice.recipient_role,
      agency: notice.recipient_agency,
    });
    const toSend: Channel[] = [];
    let busy = false;
    for (const channel of this.#channels) {
      const existing = this.#sql.notification.get(notice.id, channel.name) as NotificationRow | undefined;
      if (!existing) {
        this.#sql.insertNotification.run({
          key: notice.id,
          caseId: notice.case_id,
          channel: channel.name,
          role: recipient.role,
          agency: recipient.agency,
          leaseUntil,
          now: nowIso,
        });
        toSend.push(channel);
      } else if (existing.status === "sent" || existing.status === "dead") {
        // Settled by an earlier pass: never send twice.
      } else if (existing.status === "sending" && existing.claimed_until && existing.claimed_until > nowIso) {
        busy = true;
      } else {
        this.#sql.reclaim.run(leaseUntil, notice.id, channel.name);
        toSend.push(channel);
      }
    }
    const message: NotificationMessage = {
      id: notice.id,
      type: "notice",
      caseId: notice.case_id,
      task: null,
      notice: { state: notice.state, label: JSON.parse(notice.label) as Record<string, string> },
      step: 0,
      recipient,
      firedAt: nowIso,
    };
    return { message, toSend, busy };
  }

  #finish(
    notice: NoticeRow,
    busy: boolean,
    results: { channel: string; error: string | null }[],
  ): keyof NoticeReport {
    const now = this.#clock.now();
    let maxRetryAttempts = 0;
    for (const result of results) {
      if (result.error === null) {
        this.#sql.markSent.run(now.toISOString(), notice.id, result.channel);
        continue;
      }
      const row = this.#sql.notification.get(notice.id, result.channel) as NotificationRow;
      const dead = row.attempts >= this.#maxAttempts;
      this.#sql.markFailed.run(
        dead ? "dead" : "failed",
        result.error.slice(0, 500),
        notice.id,
        result.channel,
      );
      if (!dead) maxRetryAttempts = Math.max(maxRetryAttempts, row.attempts);
    }
    if (busy) return "busy";
    if (maxRetryAttempts > 0) {
      const backoff = Math.min(this.#baseBackoffMs * 2 ** (maxRetryAttempts - 1), this.#maxBackoffMs);
      this.#sql.postpone.run(new Date(now.getTime() + backoff).toISOString(), notice.id);
      return "retry";
    }
    this.#sql.settle.run(notice.id);
    return "sent";
  }
}

function prepare(sqlite: Database.Database) {
  return {
    agencySees: prepareAgencySees(sqlite),
    due: sqlite.prepare(
      `select id, case_id, state, recipient_role, recipient_agency, label, next_at
       from notices indexed by notices_open where status = 'open' and next_at <= ? order by next_at limit ?`,
    ),
    notification: sqlite.prepare(
      "select status, attempts, claimed_until from notifications where key = ? and channel = ?",
    ),
    insertNotification: sqlite.prepare(
      `insert into notifications (key, task_id, case_id, step, kind, channel, recipient_role, recipient_agency,
         status, attempts, claimed_until, created_at)
       values (@key, @key, @caseId, 0, 'notice', @channel, @role, @agency, 'sending', 1, @leaseUntil, @now)`,
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
    postpone: sqlite.prepare("update notices set next_at = ? where id = ? and status = 'open'"),
    settle: sqlite.prepare("update notices set status = 'sent', next_at = null where id = ?"),
  };
}
