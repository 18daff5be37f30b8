/**
 * Wires delivery for one process from the configuration:
 * - API process with REDIS_URL: outbox relay + sweep (produces only, never consumes);
 * - worker process (`passerelle worker`): BullMQ worker, plus its own relay and sweep so the next
 *   rung of a delivered task is queued without waiting on an API process (both are idempotent),
 *   and the pass over the notices outbox;
 * - API process without REDIS_URL: the in-process scheduler over the same tables.
 * `close()` stops timers, drains the worker's in-flight jobs, then closes connections.
 */
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Logger } from "pino";
import type { Config } from "../config.ts";
import type { Storage } from "../storage/storage.ts";
import type { Channel } from "./channels/channel.ts";
import { LogChannel } from "./channels/log.ts";
import { WebhookChannel } from "./channels/webhook.ts";
import { type Clock, systemClock } from "./clock.ts";
import { listenToDeliveryEvents } from "./events.ts";
import { DeliveryHandler, type DueRung } from "./handler.ts";
import { NoticeHandler, type NoticeReport } from "./notice-handler.ts";
import { OutboxRelay } from "./producer.ts";
import { checkRedisSettings, connectRedis, DELIVERY_QUEUE, whenReady } from "./redis.ts";
import { RepeatingPass } from "./repeating-pass.ts";
import { InProcessScheduler } from "./scheduler.ts";
import { Sweep } from "./sweep.ts";
import { createDeliveryWorker } from "./worker.ts";

export type DeliveryConfig = Pick<
  Config,
  | "REDIS_URL"
  | "DELIVERY_QUEUE_PREFIX"
  | "DELIVERY_SWEEP_INTERVAL_MS"
  | "WEBHOOK_URL"
  | "WEBHOOK_SECRET"
  | "WEBHOOK_MAX_ATTEMPTS"
>;

export interface DeliveryRuntimeOptions {
  role: "api" | "worker";
  config: DeliveryConfig;
  storage: Storage;
  logger: Logger;
  clock?: Clock;
  /** Replaces the channels built from the configuration (tests, benchmark). */
  channels?: Channel[];
  /** How often the relay and the scheduler look for new rows (ms). */
  pollIntervalMs?: number;
}

export interface DeliveryRuntime {
  mode: "bullmq" | "inProcess";
  relay?: OutboxRelay;
  sweep?: Sweep;
  scheduler?: InProcessScheduler;
  /** Worker role with REDIS_URL: the pass over the notices outbox (in-process mode: the scheduler's). */
  notices?: RepeatingPass<NoticeReport>;
  close(): Promise<void>;
}

/** Log always; a signed webhook when WEBHOOK_URL is set. */
export function channelsFromConfig(config: DeliveryConfig, logger: Logger): Channel[] {
  const channels: Channel[] = [new LogChannel(logger)];
  if (config.WEBHOOK_URL && config.WEBHOOK_SECRET) {
    channels.push(new WebhookChannel({ url: config.WEBHOOK_URL, secret: config.WEBHOOK_SECRET }));
  }
  return channels;
}

export async function startDelivery(options: DeliveryRuntimeOptions): Promise<DeliveryRuntime> {
  const { config, storage, role } = options;
  const logger = options.logger.child({ component: "delivery" });
  const clock = options.clock ?? systemClock;
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const deliveryOptions = {
    channels: options.channels ?? channelsFromConfig(config, logger),
    clock,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
  };
  const handler = new DeliveryHandler(storage, deliveryOptions);
  const notices = new NoticeHandler(storage, deliveryOptions);

  if (!config.REDIS_URL) {
    if (role === "worker")
      throw new Error("passerelle worker needs REDIS_URL (without Redis the API process delivers)");
    const scheduler = new InProcessScheduler({ storage, handler, notices, clock, logger });
    scheduler.start(pollIntervalMs);
    logger.info("delivery: in-process scheduler");
    return { mode: "inProcess", scheduler, close: () => scheduler.stop() };
  }

  const producerRedis = connectRedis(config.REDIS_URL, "producer", logger);
  if (await whenReady(producerRedis)) await checkRedisSettings(producerRedis, logger);
  const prefix = config.DELIVERY_QUEUE_PREFIX;
  const queue = new Queue<DueRung>(DELIVERY_QUEUE, { connection: producerRedis, prefix });
  queue.on("error", () => undefined); // connectRedis logs connection state once per outage
  const relay = new OutboxRelay({ storage, queue, clock, logger });
  const sweep = new Sweep({ storage, queue, clock, logger });
  // One sweep at a time: while Redis is unreachable a sweep waits for it, and must not pile up.
  let sweeping: Promise<void> | undefined;
  const runSweep = () => {
    sweeping ??= sweep
      .sweepOnce()
      .then(() => relay.relayOnce())
      .then(() => undefined)
      .catch((error) =>
        logger.warn({ err: { message: (error as Error).message } }, "sweep failed; the next one retries"),
      )
      .finally(() => {
        sweeping = undefined;
      });
    return sweeping;
  };
  const sweepTimer = setInterval(runSweep, config.DELIVERY_SWEEP_INTERVAL_MS);
  // The first sweep (sentinel check) runs before the relay's first pass; neither blocks the boot,
  // so an API started while Redis is down serves requests and the outbox fills until it returns.
  void runSweep().finally(() => relay.start(pollIntervalMs));

  const owned: Redis[] = [producerRedis];
  let stopWorker = async () => {};
  let noticePass: RepeatingPass<NoticeReport> | undefined;
  if (role === "worker") {
    const workerRedis = connectRedis(config.REDIS_URL, "worker", logger);
    const eventsRedis = connectRedis(config.REDIS_URL, "worker", logger);
    owned.push(workerRedis, eventsRedis);
    const worker = createDeliveryWorker({ connection: workerRedis, prefix, handler, logger });
    const events = listenToDeliveryEvents(eventsRedis, prefix, logger);
    // Notices are due when written: a pass over their outbox, no delayed job needed.
    const pass = new RepeatingPass(
      () => notices.deliverDue(),
      (error) => logger.error({ err: error }, "notice pass failed"),
    );
    pass.start(pollIntervalMs);
    noticePass = pass;
    stopWorker = async () => {
      // Stops taking jobs and waits for those in flight: their notifications are recorded.
      await pass.stop();
      await worker.close();
      await events.close();
    };
  }
  logger.info({ role, prefix }, "delivery: BullMQ");
  return {
    mode: "bullmq",
    relay,
    sweep,
    ...(noticePass && { notices: noticePass }),
    async close() {
      clearInterval(sweepTimer);
      // A pass stuck on an unreachable Redis is abandoned: its rows stay in the outbox.
      await Promise.race([relay.stop(), new Promise((resolve) => setTimeout(resolve, 2_000).unref())]);
      await stopWorker();
      await queue.close();
      for (const redis of owned) redis.disconnect();
    },
  };
}
