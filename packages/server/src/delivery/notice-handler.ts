/**
 * Delivers "a case entered your state" notices (the `notices` outbox) through the reminder
 * channels, recorded per channel in `notifications` like reminders (kind `notice`), with the same
 * claim, retry and dead-letter rules (`channel-sends.ts`), for a message that has one rung and no
 * task: the notice is settled (`sent`) once every channel has sent or given up. Notices are due
 * when written, so a pass over the open ones (by `next_at`) is all the scheduling they need: the
 * in-process scheduler runs it, and in BullMQ mode the worker process does.
 */
import type { DueNotice } from "../storage/delivery-repository.ts";
import type { Repositories, Storage } from "../storage/storage.ts";
import { backoffMs, type ChannelClaim, claimChannels, recordSends, sendThrough } from "./channel-sends.ts";
import type { Channel, NotificationMessage } from "./channels/channel.ts";
import type { Clock } from "./clock.ts";
import type { DeliveryOptions } from "./handler.ts";
import { recipientOf } from "./recipient.ts";

export interface NoticeReport {
  sent: number;
  retry: number;
  busy: number;
}

export class NoticeHandler {
  readonly #storage: Storage;
  readonly #channels: readonly Channel[];
  readonly #clock: Clock;
  readonly #maxAttempts: number;
  readonly #baseBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #leaseMs: number;

  constructor(storage: Storage, options: DeliveryOptions) {
    this.#storage = storage;
    this.#channels = options.channels;
    this.#clock = options.clock;
    this.#maxAttempts = options.maxAttempts ?? 8;
    this.#baseBackoffMs = options.baseBackoffMs ?? 30_000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 3_600_000;
    this.#leaseMs = options.leaseMs ?? 60_000;
  }

  /** Delivers every notice due now, `batchSize` at a time. */
  async deliverDue(batchSize = 1000): Promise<NoticeReport> {
    const report: NoticeReport = { sent: 0, retry: 0, busy: 0 };
    for (;;) {
      const notices = await this.#storage.delivery.dueNotices(this.#clock.now().toISOString(), batchSize);
      if (notices.length === 0) break;
      const outcomes = await Promise.all(notices.map((notice) => this.#deliver(notice)));
      for (const outcome of outcomes) report[outcome]++;
      // Notices another process is sending stay due; stop rather than spin on them.
      if (outcomes.every((o) => o === "busy") || notices.length < batchSize) break;
    }
    return report;
  }

  async #deliver(notice: DueNotice): Promise<keyof NoticeReport> {
    const claim = await this.#storage.transaction((tx) => this.#claim(tx, notice), { noAuditEntry: true });
    const results = await sendThrough(claim.toSend, claim.message);
    return this.#storage.transaction(
      async (tx) => {
        const now = this.#clock.now();
        const retryAttempts = await recordSends(tx, notice.id, results, now.toISOString(), this.#maxAttempts);
        if (claim.busy) return "busy";
        if (retryAttempts > 0) {
          const retryAt = now.getTime() + backoffMs(retryAttempts, this.#baseBackoffMs, this.#maxBackoffMs);
          await tx.delivery.postponeNotice(notice.id, new Date(retryAt).toISOString());
          return "retry";
        }
        await tx.delivery.settleNotice(notice.id);
        return "sent";
      },
      { noAuditEntry: true },
    );
  }

  async #claim(
    tx: Repositories,
    notice: DueNotice,
  ): Promise<ChannelClaim & { message: NotificationMessage }> {
    const now = this.#clock.now();
    const nowIso = now.toISOString();
    // An agency that cannot see the case is not told about it: its role at the owner is, naming it.
    const recipient = await recipientOf(tx, notice.caseId, {
      role: notice.recipientRole,
      agency: notice.recipientAgency,
    });
    const claim = await claimChannels(tx, this.#channels, {
      key: notice.id,
      taskId: notice.id,
      caseId: notice.caseId,
      step: 0,
      kind: "notice",
      recipient: { role: recipient.role, agency: recipient.agency },
      leaseUntil: new Date(now.getTime() + this.#leaseMs).toISOString(),
      at: nowIso,
    });
    const message: NotificationMessage = {
      id: notice.id,
      type: "notice",
      caseId: notice.caseId,
      task: null,
      notice: { state: notice.state, label: notice.label },
      step: 0,
      recipient,
      firedAt: nowIso,
    };
    return { ...claim, message };
  }
}
