/**
 * The in-process scheduler: delivery without Redis, for the single-machine deployment. It reads the
 * same task rows the relay would queue (open, next rung due) through the (status, next_at) index
 * and hands each rung to the same idempotent handler as the BullMQ worker. Nothing is kept in
 * memory between passes, so a restart loses nothing: due rungs are simply found again.
 */

import type { Logger } from "pino";
import type { Storage } from "../storage/storage.ts";
import type { Clock } from "./clock.ts";
import type { DeliveryHandler, DeliveryOutcome } from "./handler.ts";
import type { NoticeHandler } from "./notice-handler.ts";
import { RepeatingPass } from "./repeating-pass.ts";

export interface SchedulerOptions {
  storage: Storage;
  handler: DeliveryHandler;
  /** "Case entered your state" notices, delivered in the same pass. */
  notices?: NoticeHandler;
  clock: Clock;
  logger: Logger;
  /** Rungs read and delivered concurrently per round (their writes share group commits). */
  batchSize?: number;
}

export type PassReport = Record<DeliveryOutcome, number> & { notices: number };

export class InProcessScheduler {
  readonly #options: Required<Omit<SchedulerOptions, "notices">>;
  readonly #notices: NoticeHandler | undefined;
  readonly #loop: RepeatingPass<PassReport>;

  constructor(options: SchedulerOptions) {
    const { notices, ...rest } = options;
    this.#options = { batchSize: 1000, ...rest };
    this.#notices = notices;
    this.#loop = new RepeatingPass(
      () => this.#pass(),
      (error) => this.#options.logger.error({ err: error }, "scheduler pass failed"),
    );
  }

  /** Delivers every rung due now. Also the sweep of this mode: anything due is found here. */
  runDue(): Promise<PassReport> {
    return this.#loop.run();
  }

  async #pass(): Promise<PassReport> {
    const { handler, clock, batchSize, storage } = this.#options;
    const report: PassReport = { sent: 0, stale: 0, notDue: 0, retry: 0, busy: 0, notices: 0 };
    if (this.#notices) report.notices = (await this.#notices.deliverDue(batchSize)).sent;
    for (;;) {
      const rows = await storage.delivery.dueRungs(clock.now().toISOString(), batchSize);
      if (rows.length === 0) break;
      const outcomes = await Promise.all(rows.map((row) => handler.deliver(row)));
      let progress = 0;
      for (const outcome of outcomes) {
        report[outcome]++;
        if (outcome !== "busy" && outcome !== "notDue") progress++;
      }
      // Rungs another process is sending stay due; stop rather than spin on them.
      if (progress === 0 || rows.length < batchSize) break;
    }
    return report;
  }

  start(intervalMs: number): void {
    this.#loop.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }
}
