/**
 * Delivers one rung of one task's ladder through every channel: the same code behind the BullMQ
 * worker and the in-process scheduler. Idempotent by construction:
 * - the rung is identified by (task, step, time); a job for a task that is no longer open, or whose
 *   next rung has moved on (already delivered, snoozed), sends nothing;
 * - each (rung, channel) is claimed before sending (`channel-sends.ts`), so two deliveries of the
 *   same job cannot both send; a worker killed mid-send loses its lease and the retry sends again
 *   (webhook receivers deduplicate on the notification id);
 * - the task moves to its next rung only after every channel has sent or given up (dead letter).
 */

import type { Repositories, Storage } from "../storage/storage.ts";
import { backoffMs, claimChannels, recordSends, sendThrough } from "./channel-sends.ts";
import type { Channel, NotificationMessage } from "./channels/channel.ts";
import type { Clock } from "./clock.ts";
import { kindOf, notificationKey, rungAfter } from "./ladder.ts";
import { recipientOf } from "./recipient.ts";

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

interface Claim {
  message: NotificationMessage;
  toSend: Channel[];
  busy: boolean;
}

export class DeliveryHandler {
  readonly #storage: Storage;
  readonly #channels: readonly Channel[];
  readonly #clock: Clock;
  readonly #maxAttempts: number;
  readonly #baseBackoffMs: number;
  readonly #maxBackoffMs: number;
  readonly #leaseMs: number;

  constructor(storage: Storage, options: DeliveryOptions) {
    if (options.channels.length === 0) throw new Error("delivery needs at least one channel");
    this.#storage = storage;
    this.#channels = options.channels;
    this.#clock = options.clock;
    this.#maxAttempts = options.maxAttempts ?? 8;
    this.#baseBackoffMs = options.baseBackoffMs ?? 30_000;
    this.#maxBackoffMs = options.maxBackoffMs ?? 3_600_000;
    this.#leaseMs = options.leaseMs ?? 60_000;
  }

  async deliver(rung: DueRung): Promise<DeliveryOutcome> {
    const claim = await this.#storage.transaction((tx) => this.#claim(tx, rung), { noAuditEntry: true });
    if (typeof claim === "string") return claim;
    const results = await sendThrough(claim.toSend, claim.message);
    return this.#storage.transaction((tx) => this.#finish(tx, rung, claim, results), { noAuditEntry: true });
  }

  async #claim(tx: Repositories, rung: DueRung): Promise<Claim | DeliveryOutcome> {
    const task = await tx.delivery.task(rung.taskId);
    if (task?.status !== "open" || task.nextStep !== rung.step || task.nextAt !== rung.at) return "stale";
    const now = this.#clock.now();
    if (Date.parse(rung.at) > now.getTime()) return "notDue";
    const current = task.escalation.find((r) => r.step === rung.step);
    if (!current) return "stale";
    const key = notificationKey(task.id, rung.step);
    const nowIso = now.toISOString();
    const recipient = await recipientOf(tx, task.caseId, current.notify);
    const { toSend, busy } = await claimChannels(tx, this.#channels, {
      key,
      taskId: task.id,
      caseId: task.caseId,
      step: rung.step,
      kind: kindOf(rung.step),
      recipient: { role: recipient.role, agency: recipient.agency },
      leaseUntil: new Date(now.getTime() + this.#leaseMs).toISOString(),
      at: nowIso,
    });
    const message: NotificationMessage = {
      id: key,
      type: kindOf(rung.step),
      caseId: task.caseId,
      task: {
        id: task.id,
        definitionId: task.taskId,
        kind: task.kind,
        state: task.state,
        dueAt: task.dueAt,
        label: task.label,
      },
      step: rung.step,
      recipient,
      firedAt: nowIso,
    };
    return { message, toSend, busy };
  }

  async #finish(
    tx: Repositories,
    rung: DueRung,
    claim: Claim,
    results: { channel: string; error: string | null }[],
  ): Promise<DeliveryOutcome> {
    const now = this.#clock.now();
    const retryAttempts = await recordSends(
      tx,
      claim.message.id,
      results,
      now.toISOString(),
      this.#maxAttempts,
    );
    if (claim.busy) return "busy";
    const task = await tx.delivery.task(rung.taskId);
    // Completed, cancelled or snoozed while we were sending: what was sent is recorded, nothing more.
    if (task?.status !== "open" || task.nextStep !== rung.step || task.nextAt !== rung.at) return "stale";
    if (retryAttempts > 0) {
      const retryAt = new Date(
        now.getTime() + backoffMs(retryAttempts, this.#baseBackoffMs, this.#maxBackoffMs),
      );
      await tx.delivery.moveRung(task.id, rung, { step: rung.step, at: retryAt.toISOString() });
      return "retry";
    }
    const next = rungAfter(task.escalation, rung.step);
    await tx.delivery.moveRung(task.id, rung, { step: next.nextStep, at: next.nextAt });
    return "sent";
  }
}
