/**
 * Queue-wide event listener for operators: stalled jobs (a worker died mid-job) are logged with
 * their id, wherever the worker ran. Job ids carry the task id and rung, never personal data.
 */
import { QueueEvents } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import { DELIVERY_QUEUE } from "./redis.ts";

export function listenToDeliveryEvents(connection: Redis, prefix: string, logger: Logger): QueueEvents {
  const events = new QueueEvents(DELIVERY_QUEUE, { connection, prefix });
  events.on("stalled", ({ jobId }) => logger.warn({ jobId }, "delivery job stalled; it will be retried"));
  events.on("error", (error) =>
    logger.warn({ err: { message: error.message } }, "delivery events listener error"),
  );
  return events;
}
