/**
 * Redis connections for delivery, with the options BullMQ requires per role, and the boot check of
 * the server settings BullMQ depends on.
 */
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";

/** Queue name; the prefix (DELIVERY_QUEUE_PREFIX) separates deployments and tests on one Redis. */
export const DELIVERY_QUEUE = "passerelle-delivery";

/**
 * - producer (relay, sweep): fail fast while Redis is down (no offline queue), so a relay pass
 *   returns and the rows stay in the outbox instead of piling up in memory;
 * - worker: `maxRetriesPerRequest: null`, which BullMQ requires for its blocking connections.
 */
export function redisOptions(role: "producer" | "worker"): RedisOptions {
  const reconnect = { retryStrategy: (times: number) => Math.min(times * 200, 5_000) };
  return role === "producer"
    ? { ...reconnect, enableOfflineQueue: false, maxRetriesPerRequest: 1, lazyConnect: false }
    : { ...reconnect, maxRetriesPerRequest: null };
}

export function connectRedis(url: string, role: "producer" | "worker", logger: Logger): Redis {
  const redis = new Redis(url, redisOptions(role));
  // Without a listener ioredis prints every reconnection error; log once per state change instead.
  let down = false;
  redis.on("error", (error) => {
    if (!down)
      logger.warn({ err: { message: error.message }, role }, "redis unavailable; delivery will catch up");
    down = true;
  });
  redis.on("ready", () => {
    if (down) logger.info({ role }, "redis available again");
    down = false;
  });
  return redis;
}

/**
 * Warns when Redis may evict keys: BullMQ loses jobs silently under any policy but `noeviction`.
 * Managed Redis services sometimes forbid CONFIG: that is a warning too, not a failure.
 */
export async function checkRedisSettings(redis: Redis, logger: Logger): Promise<string | undefined> {
  try {
    const reply = (await redis.config("GET", "maxmemory-policy")) as string[];
    const policy = reply[1];
    if (policy !== "noeviction") {
      logger.warn(
        { maxmemoryPolicy: policy },
        "redis maxmemory-policy is not noeviction: queued reminders may be evicted",
      );
    }
    return policy;
  } catch (error) {
    logger.warn(
      { err: { message: (error as Error).message } },
      "could not read redis maxmemory-policy; set it to noeviction",
    );
    return undefined;
  }
}

/**
 * Waits (bounded) for the connection to be ready. Redis being down at boot must not stop the API:
 * the outbox keeps everything until it returns, so this resolves false instead of throwing.
 */
export function whenReady(redis: Redis, timeoutMs = 5_000): Promise<boolean> {
  if (redis.status === "ready") return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      resolve(false);
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve(true);
    };
    redis.once("ready", onReady);
  });
}
