/**
 * The reconciliation sweep (BullMQ mode): whatever happened to Redis, the database says what is
 * owed. Two checks, both cheap when nothing is wrong:
 * 1. A sentinel key written by the sweep. If it is gone, Redis lost data (FLUSHALL, a restart
 *    without persistence, a failover to an empty replica): every open task goes back to the outbox
 *    and the relay queues it again. Job ids are derived, so a job that did survive is not doubled.
 * 2. Rungs overdue by more than the grace period whose job is missing or finished without moving
 *    the task on go back to the outbox. The query walks the (status, next_at) index from the
 *    oldest due rung and stops at `limit`: an empty sweep reads no task row.
 */
import type { Queue } from "bullmq";
import type { Logger } from "pino";
import type { Rung } from "../storage/delivery-repository.ts";
import type { Storage } from "../storage/storage.ts";
import type { Clock } from "./clock.ts";
import type { DueRung } from "./handler.ts";
import { jobIdOf } from "./ladder.ts";

export interface SweepOptions {
  storage: Storage;
  queue: Queue<DueRung>;
  clock: Clock;
  logger: Logger;
  /** Rungs overdue by less than this are left to the queue (default 60 s). */
  graceMs?: number;
  batchSize?: number;
}

export interface SweepReport {
  /** Redis had lost its data: every open task was returned to the outbox. */
  redisReset: boolean;
  /** Overdue rungs whose job was missing and that were returned to the outbox. */
  requeued: number;
}

const LIVE_STATES = new Set(["waiting", "delayed", "active", "prioritized", "waiting-children"]);

export class Sweep {
  readonly #options: Required<SweepOptions>;
  readonly #sentinelKey: string;

  constructor(options: SweepOptions) {
    this.#options = { graceMs: 60_000, batchSize: 1000, ...options };
    this.#sentinelKey = `${options.queue.qualifiedName}:passerelle-sentinel`;
  }

  async sweepOnce(): Promise<SweepReport> {
    const { queue, storage, clock, logger, graceMs, batchSize } = this.#options;
    const redis = await queue.client;
    const sentinel = await redis.get(this.#sentinelKey);
    let redisReset = false;
    if (sentinel === null) {
      const changes = await storage.transaction((tx) => tx.delivery.unqueueAll(), { noAuditEntry: true });
      await redis.set(this.#sentinelKey, clock.now().toISOString());
      redisReset = changes > 0;
      if (redisReset)
        logger.warn({ tasks: changes }, "sweep: redis lost its jobs; open tasks returned to the outbox");
    }
    const cutoff = new Date(clock.now().getTime() - graceMs).toISOString();
    const rows = await storage.delivery.queuedRungsDueBefore(cutoff, batchSize);
    const missing: Rung[] = [];
    for (const row of rows) {
      const jobId = jobIdOf(row.taskId, row.step, row.at);
      const state = await queue.getJobState(jobId);
      if (LIVE_STATES.has(state)) continue;
      // Finished or failed for good without moving the task on: drop it so the id can be reused.
      if (state !== "unknown") await queue.remove(jobId).catch(() => 0);
      missing.push(row);
    }
    if (missing.length > 0) {
      await storage.transaction((tx) => tx.delivery.unqueue(missing), { noAuditEntry: true });
      logger.warn(
        { rungs: missing.length },
        "sweep: overdue reminders were missing from the queue; requeued",
      );
    }
    return { redisReset, requeued: missing.length };
  }
}
