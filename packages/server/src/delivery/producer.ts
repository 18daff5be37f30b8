/**
 * The outbox relay: the only code that puts reminders on the BullMQ queue. Transitions write task
 * rows (rung 0 waiting, `next_queued_at` null) in their own transaction and never touch Redis; the
 * relay reads those committed rows and adds one delayed job per rung. If Redis is down the rows
 * simply stay in the outbox and the next pass retries: a transition never fails because of Redis.
 *
 * Only rungs due within the horizon are queued, so months of future follow-ups do not sit in Redis
 * memory; a later pass queues them as they come within reach.
 */

import type Database from "better-sqlite3";
import type { Queue } from "bullmq";
import type { Logger } from "pino";
import type { Clock } from "./clock.ts";
import type { DueRung, Writer } from "./handler.ts";
import { jobIdOf } from "./ladder.ts";
import { RepeatingPass } from "./repeating-pass.ts";

export interface RelayOptions {
  sqlite: Database.Database;
  writer: Writer;
  queue: Queue<DueRung>;
  clock: Clock;
  logger: Logger;
  /** Queue rungs due within this many ms (default 24 h). */
  horizonMs?: number;
  batchSize?: number;
  /** BullMQ attempts for infrastructure failures (a crash, a database error); channel retries are ours. */
  jobAttempts?: number;
}

interface OutboxRow {
  id: string;
  next_step: number;
  next_at: string;
}

export class OutboxRelay {
  readonly #options: Required<RelayOptions>;
  readonly #pending: Database.Statement;
  readonly #markQueued: Database.Statement;
  readonly #loop: RepeatingPass<number>;
  #failing = false;

  constructor(options: RelayOptions) {
    this.#options = { horizonMs: 86_400_000, batchSize: 1000, jobAttempts: 10, ...options };
    this.#pending = options.sqlite.prepare(
      // The partial outbox index holds only rows waiting for the relay; without the hint the planner
      // may walk (status, next_at) through every rung already queued within the horizon.
      `select id, next_step, next_at from tasks indexed by tasks_outbox
       where next_queued_at is null and status = 'open' and next_at <= ? order by next_at limit ?`,
    );
    this.#markQueued = options.sqlite.prepare(
      "update tasks set next_queued_at = ? where id = ? and next_step = ? and next_at = ? and next_queued_at is null",
    );

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
    const { batchSize, clock, queue, writer, logger, horizonMs, jobAttempts } = this.#options;
    let total = 0;
    for (;;) {
      const now = clock.now().getTime();
      const horizon = new Date(now + horizonMs).toISOString();
      const rows = this.#pending.all(horizon, batchSize) as OutboxRow[];
      if (rows.length === 0) break;
      try {
        await queue.addBulk(
          rows.map((row) => ({
            name: "rung",
            data: { taskId: row.id, step: row.next_step, at: row.next_at },
            opts: {
              jobId: jobIdOf(row.id, row.next_step, row.next_at),
              delay: Math.max(0, Date.parse(row.next_at) - now),
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
      await writer.run(() => {
        for (const row of rows) this.#markQueued.run(queuedAt, row.id, row.next_step, row.next_at);
      });
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
