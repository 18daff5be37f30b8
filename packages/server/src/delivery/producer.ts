/**
 * The outbox relay: the only code that puts reminders on the BullMQ queue. Transitions write task
 * rows (rung 0 waiting, `next_queued_at` null) in their own transaction and never touch Redis; the
 * relay reads those committed rows and adds one delayed job per rung. If Redis is down the rows
 * simply stay in the outbox and the next pass retries: a transition never fails because of Redis.
 *
 * Only rungs due within the horizon are queued, so months of future follow-ups do not sit in Redis
 * memory; a later pass queues them as they come within reach.
 */

import type { Queue } from "bullmq";
import type { Logger } from "pino";
import type { Storage } from "../storage/storage.ts";
import type { Clock } from "./clock.ts";
import type { DueRung } from "./handler.ts";
import { jobIdOf } from "./ladder.ts";
import { RepeatingPass } from "./repeating-pass.ts";

export interface RelayOptions {
  storage: Storage;
  queue: Queue<DueRung>;
  clock: Clock;
  logger: Logger;
  /** Queue rungs due within this many ms (default 24 h). */
  horizonMs?: number;
  batchSize?: number;
  /** BullMQ attempts for infrastructure failures (a crash, a database error); channel retries are ours. */
  jobAttempts?: number;
}

export class OutboxRelay {
  readonly #options: Required<RelayOptions>;
  readonly #loop: RepeatingPass<number>;
  #failing = false;

  constructor(options: RelayOptions) {
    this.#options = { horizonMs: 86_400_000, batchSize: 1000, jobAttempts: 10, ...options };
    this.#loop = new RepeatingPass(
      () => this.#pass(),
      (error) => this.#options.logger.error({ err: error }, "outbox relay pass failed"),
    );
  }

  /** One pass: queues every pending rung within the horizon. Returns how many were queued. */
  relayOnce(): Promise<number> {
    return this.#loop.run();
  }

  async #pass(): Promise<number> {
    const { batchSize, clock, queue, storage, logger, horizonMs, jobAttempts } = this.#options;
    let total = 0;
    for (;;) {
      const now = clock.now().getTime();
      const horizon = new Date(now + horizonMs).toISOString();
      const rows = await storage.delivery.rungsToQueue(horizon, batchSize);
      if (rows.length === 0) break;
      try {
        await queue.addBulk(
          rows.map((row) => ({
            name: "rung",
            data: row,
            opts: {
              jobId: jobIdOf(row.taskId, row.step, row.at),
              delay: Math.max(0, Date.parse(row.at) - now),
              attempts: jobAttempts,
              backoff: { type: "exponential", delay: 1000 },
              removeOnComplete: true,
              removeOnFail: { age: 7 * 86_400 },
            },
          })),
        );
      } catch (error) {
        if (!this.#failing)
          logger.warn({ err: { message: (error as Error).message } }, "outbox relay: queue unavailable");
        this.#failing = true;
        return total;
      }
      if (this.#failing) logger.info("outbox relay: queue available again");
      this.#failing = false;
      const queuedAt = new Date(now).toISOString();
      await storage.transaction((tx) => tx.delivery.markQueued(rows, queuedAt), { noAuditEntry: true });
      total += rows.length;
      if (rows.length < batchSize) break;
    }
    return total;
  }

  start(intervalMs: number): void {
    this.#loop.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.#loop.stop();
  }
}
