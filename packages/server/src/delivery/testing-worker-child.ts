/**
 * A delivery worker in its own process, for the crash test: the test kills it with SIGKILL in the
 * middle of a webhook send. Settings come from the environment (no personal data involved).
 */

import { openDatabase } from "../storage/sqlite/open.ts";
import { SqliteCaseStore } from "../storage/sqlite/sqlite-case-store.ts";
import { WebhookChannel } from "./channels/webhook.ts";
import { systemClock } from "./clock.ts";
import { DeliveryHandler } from "./handler.ts";
import { connectRedis } from "./redis.ts";
import { silentLogger } from "./testing.ts";
import { createDeliveryWorker } from "./worker.ts";

const env = process.env as Record<string, string>;
const { sqlite } = openDatabase(env.DB_FILE!);
const handler = new DeliveryHandler(new SqliteCaseStore(sqlite), {
  channels: [new WebhookChannel({ url: env.WEBHOOK_URL!, secret: env.WEBHOOK_SECRET! })],
  clock: systemClock,
  leaseMs: Number(env.LEASE_MS),
});
createDeliveryWorker({
  connection: connectRedis(env.REDIS_URL!, "worker", silentLogger),
  prefix: env.PREFIX!,
  handler,
  logger: silentLogger,
  lockDuration: 1000,
  stalledInterval: 500,
});
process.send?.("ready");
