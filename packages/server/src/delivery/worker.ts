/**
 * The BullMQ worker role: takes delayed rung jobs off the queue and hands them to the idempotent
 * handler. It runs in its own process (`passerelle worker`); API processes never consume.
 * BullMQ delivers at least once (a worker killed mid-job leaves it stalled, and another worker
 * takes it after the lock expires): the handler makes the second delivery send nothing new.
 */
import { DelayedError, type Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { DeliveryHandler, DueRung } from "./handler.ts";
import { DELIVERY_QUEUE } from "./redis.ts";

export interface WorkerOptions {
  /** Created with `redisOptions("worker")` (`maxRetriesPerRequest: null`). */
  connection: Redis;
  prefix: string;
  handler: DeliveryHandler;
  logger: Logger;
  concurrency?: number;
  /** How long a job's lock lasts without renewal; a dead worker's job is retried after it. */
  lockDuration?: number;
  stalledInterval?: number;
}

export function createDeliveryWorker(options: WorkerOptions): Worker<DueRung> {
  const { handler, logger } = options;
  const worker = new Worker<DueRung>(
    DELIVERY_QUEUE,
    async (job: Job<DueRung>, token?: string) => {
      const outcome = await handler.deliver(job.data);
      if (outcome === "notDue") {
        // Early (clocks differ between machines): put the job back until its time.
        await job.moveToDelayed(Date.parse(job.data.at), token);
        throw new DelayedError();
      }
      // Another worker holds the lease on this rung: BullMQ retries with backoff.
      if (outcome === "busy") throw new Error("rung is being sent by another worker");
      return outcome;
    },
    {
      connection: options.connection,
      prefix: options.prefix,
      concurrency: options.concurrency ?? 50,
      ...(options.lockDuration ? { lockDuration: options.lockDuration } : {}),
      ...(options.stalledInterval ? { stalledInterval: options.stalledInterval } : {}),
    },
  );
  // While Redis is unreachable every reconnection attempt errors: log each distinct error once.
  let lastError = "";
  worker.on("error", (error) => {
    if (error.message === lastError) return;
    lastError = error.message;
    logger.warn({ err: { message: error.message } }, "delivery worker error");
  });
  worker.on("active", () => {
    lastError = "";
  });
  worker.on("failed", (job, error) => {
    if (error instanceof DelayedError || error.name === "DelayedError") return;
    logger.warn(
      { jobId: job?.id, attempts: job?.attemptsMade, err: { message: error.message } },
      "delivery job failed",
    );
  });
  return worker;
}
