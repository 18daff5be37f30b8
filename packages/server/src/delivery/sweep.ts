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
import type Database from "better-sqlite3";
import type { Queue } from "bullmq";
import type { Logger } from "pino";
import type { Clock } from "./clock.ts";
import type { DueRung, Writer } from "./handler.ts";
import { jobIdOf } from "./ladder.ts";

export interface SweepOptions {
  sqlite: Database.Database;
  writer: Writer;
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

interface DueRow {
  id: string;
  next_step: number;
  next_at: string;
}

const LIVE_STATES = new Set(["waiting", "delayed", "active", "prioritized", "waiting-children"]);

export class Sweep {
  readonly #options: Required<SweepOptions>;
  readonly #overdue: Database.Statement;
  readonly #unqueue: Database.Statement;
  readonly #unqueueAll: Database.Statement;
  readonly #sentinelKey: string;

  constructor(options: SweepOptions) {
    this.#options = { graceMs: 60_000, batchSize: 1000, ...options };
    this.#overdue = options.sqlite.prepare(
      `select id, next_step, next_at from tasks
       where status = 'open' and next_at <= ? and next_queued_at is not null order by next_at limit ?`,
    );
    this.#unqueue = options.sqlite.prepare(
      "update tasks set next_queued_at = null where id = ? and next_step = ? and next_at = ?",
    );
    this.#unqueueAll = options.sqlite.prepare(
      "update tasks set next_queued_at = null where status = 'open' and next_queued_at is not null",
    );
    this.#sentinelKey = `${options.queue.qualifiedName}:passerelle-sentinel`;
  }

  async sweepOnce(): Promise<SweepReport> {
    const { queue, writer, clock, logger, graceMs, batchSize } = this.#options;
    const redis = await queue.client;
    const sentinel = await redis.get(this.#sentinelKey);
    let redisReset = false;
    if (sentinel === null) {
      const changes = await writer.run(() => this.#unqueueAll.run().changes);
      await redis.set(this.#sentinelKey, clock.now().toISOString());
      redisReset = changes > 0;
      if (redisReset)
        logger.warn({ tasks: changes }, "sweep: redis lost its jobs; open tasks returned to the outbox");
    }
    const cutoff = new Date(clock.now().getTime() - graceMs).toISOString();
    const rows = this.#overdue.all(cutoff, batchSize) as DueRow[];
    const missing: DueRow[] = [];
    for (const row of rows) {
      const jobId = jobIdOf(row.id, row.next_step, row.next_at);
      const state = await queue.getJobState(jobId);
      if (LIVE_STATES.has(state)) continue;
      // Finished or failed for good without moving the task on: drop it so the id can be reused.
      if (state !== "unknown") await queue.remove(jobId).catch(() => 0);
      missing.push(row);
    }
    if (missing.length > 0) {
      await writer.run(() => {
        for (const row of missing) this.#unqueue.run(row.id, row.next_step, row.next_at);
      });
      logger.warn(
        { rungs: missing.length },
        "sweep: overdue reminders were missing from the queue; requeued",
      );
    }
    return { redisReset, requeued: missing.length };
  }
}
