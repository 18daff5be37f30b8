/**
 * BullMQ delivery against real Redis: the shared one at 127.0.0.1:6379 (unique prefix per test)
 * and, for the faults, a redis-server of our own that the test kills, restarts empty or flushes.
 * Tasks are written by the real store on a real SQLite file; time is a manual clock.
 */
import { randomUUID } from "node:crypto";
import { Queue, type Worker } from "bullmq";
import { Redis } from "ioredis";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MemoryChannel } from "./channels/memory.ts";
import { ManualClock } from "./clock.ts";
import { DeliveryHandler, type DueRung } from "./handler.ts";
import { OutboxRelay } from "./producer.ts";
import { checkRedisSettings, connectRedis, DELIVERY_QUEUE } from "./redis.ts";
import { Sweep } from "./sweep.ts";
import { type DeliveryFixture, notificationsOf, openFixture, silentLogger } from "./testing.ts";
import { freePort, queueSettled, RedisServer, waitFor } from "./testing-redis.ts";
import { createDeliveryWorker } from "./worker.ts";

const SHARED_REDIS = "redis://127.0.0.1:6379";
const T0 = "2026-03-02T09:00:00.000Z";

interface Harness {
  queue: Queue<DueRung>;
  relay: OutboxRelay;
  sweep: Sweep;
  channel: MemoryChannel;
  startWorker(): Worker<DueRung>;
  close(): Promise<void>;
}

let fx: DeliveryFixture;
let clock: ManualClock;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(() => {
  fx = openFixture();
  clock = new ManualClock(T0);
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await fx.close();
});

function harness(url: string): Harness {
  const prefix = `test-${randomUUID()}`;
  const producer = connectRedis(url, "producer", silentLogger);
  const queue = new Queue<DueRung>(DELIVERY_QUEUE, { connection: producer, prefix });
  queue.on("error", () => undefined);
  const channel = new MemoryChannel("log");
  const handler = new DeliveryHandler(fx.store, { channels: [channel], clock });
  const common = { storage: fx.store, queue, clock, logger: silentLogger };
  const owned: { worker: Worker; redis: Redis }[] = [];
  const h: Harness = {
    queue,
    relay: new OutboxRelay(common),
    sweep: new Sweep({ ...common, graceMs: 0 }),
    channel,
    startWorker() {
      const redis = connectRedis(url, "worker", silentLogger);
      const worker = createDeliveryWorker({
        connection: redis,
        prefix,
        handler,
        logger: silentLogger,
        concurrency: 20,
      });
      owned.push({ worker, redis });
      return worker;
    },
    async close() {
      for (const { worker, redis } of owned) {
        await worker.close();
        redis.disconnect();
      }
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      producer.disconnect();
    },
  };
  cleanups.push(() => h.close());
  return h;
}

function countsById(channel: MemoryChannel): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const m of channel.received) counts[m.id] = (counts[m.id] ?? 0) + 1;
  return counts;
}

describe("BullMQ delivery (shared Redis)", () => {
  it("warns about nothing on a noeviction Redis and reports the policy", async () => {
    const redis = connectRedis(SHARED_REDIS, "producer", silentLogger);
    cleanups.push(async () => redis.disconnect());
    await waitFor(() => redis.status === "ready", "redis");
    expect(await checkRedisSettings(redis, silentLogger)).toBe("noeviction");
  });

  it("relays each rung as one delayed job and delivers it exactly once; re-relaying sends nothing", async () => {
    const h = harness(SHARED_REDIS);
    const tasks = await fx.openCaseWithTasks(Array.from({ length: 20 }, () => ({ due: T0 })));
    expect(await h.relay.relayOnce()).toBe(20);
    expect(await h.relay.relayOnce()).toBe(0);
    h.startWorker();
    await waitFor(() => h.channel.received.length >= 20, "20 reminders");
    await queueSettled(h.queue);
    // Push everything back through the outbox: same job ids, tasks moved on, nothing new is sent.
    fx.sqlite
      .prepare("update tasks set next_queued_at = null, next_step = 0, next_at = ? where status = 'open'")
      .run(T0);
    expect(await h.relay.relayOnce()).toBe(20);
    await queueSettled(h.queue);
    expect(Object.values(countsById(h.channel))).toEqual(Array(20).fill(1));
    expect(new Set(h.channel.received.map((m) => m.task?.id))).toEqual(new Set(tasks.map((t) => t.id)));
  });

  it("a task completed just before its job fires sends nothing", async () => {
    const h = harness(SHARED_REDIS);
    const [task] = await fx.openCaseWithTasks([{ due: T0 }]);
    expect(await h.relay.relayOnce()).toBe(1);
    await fx.store.transaction((tx) => tx.cases.completeTask(task!.id, { actor: "caseworker-1", at: T0 }));
    h.startWorker();
    await waitFor(
      async () => (await h.queue.getJobCounts("completed", "waiting", "delayed")).waiting === 0,
      "the job",
    );
    await queueSettled(h.queue);
    expect(h.channel.received).toEqual([]);
    expect(notificationsOf(fx.sqlite, task!.id)).toEqual([]);
  });

  it("walks the escalation ladder in order: each rung is queued once it comes within the horizon", async () => {
    const h = harness(SHARED_REDIS);
    const [task] = await fx.openCaseWithTasks([
      {
        due: T0,
        escalation: [
          { at: T0, notify: { role: "caseworker", agency: "dsw" } },
          { at: "2026-03-04T09:00:00.000Z", notify: { role: "supervisor", agency: "dsw" } },
          { at: "2026-03-09T09:00:00.000Z", notify: { role: "committee", agency: "hts" } },
        ],
      },
    ]);
    h.startWorker();
    const seen = () => h.channel.received.map((m) => `${m.step}:${m.recipient.role}`);
    expect(await h.relay.relayOnce()).toBe(1);
    await waitFor(() => h.channel.received.length === 1, "the reminder");
    const nextStep = () =>
      (fx.sqlite.prepare("select next_step from tasks where id = ?").get(task!.id) as { next_step: number })
        .next_step;
    await waitFor(() => nextStep() === 1, "the task to move to rung 1");
    // Rung 1 is two days away: beyond the relay's 24 h horizon, so not in Redis yet.
    expect(await h.relay.relayOnce()).toBe(0);
    expect(await h.queue.getDelayedCount()).toBe(0);
    clock.set("2026-03-04T09:00:00.000Z");
    expect(await h.relay.relayOnce()).toBe(1);
    await waitFor(() => h.channel.received.length === 2, "the first escalation");
    clock.set("2026-03-09T09:00:00.000Z");
    await waitFor(async () => (await h.relay.relayOnce()) === 1, "the second escalation to be queued");
    await waitFor(() => h.channel.received.length === 3, "the second escalation");
    await queueSettled(h.queue);
    expect(seen()).toEqual(["0:caseworker", "1:supervisor", "2:committee"]);
    const row = fx.sqlite.prepare("select next_step from tasks where id = ?").get(task!.id);
    expect(row).toEqual({ next_step: null });
  });
});

describe("BullMQ delivery faults (own redis-server)", () => {
  let redis: RedisServer;
  beforeAll(async () => {
    redis = new RedisServer(await freePort());
    await redis.start();
  });
  afterAll(() => redis.kill());

  it("warns at boot when Redis may evict keys", async () => {
    const evicting = new RedisServer(await freePort(), "allkeys-lru");
    await evicting.start();
    const lines: string[] = [];
    const logger = pino({ level: "warn" }, { write: (line: string) => lines.push(line) });
    const client = connectRedis(evicting.url, "producer", logger);
    try {
      await waitFor(() => client.status === "ready", "redis");
      expect(await checkRedisSettings(client, logger)).toBe("allkeys-lru");
      expect(lines.map((line) => JSON.parse(line).msg)).toEqual([
        "redis maxmemory-policy is not noeviction: queued reminders may be evicted",
      ]);
    } finally {
      client.disconnect();
      await evicting.kill();
    }
  });

  it("Redis down while events are posted: transitions succeed, and every due reminder arrives once when it returns", async () => {
    const h = harness(redis.url);
    // Some rungs are queued before the outage (and lost with it: this Redis keeps nothing).
    const before = await fx.openCaseWithTasks(Array.from({ length: 5 }, () => ({ due: T0 })));
    await h.sweep.sweepOnce();
    expect(await h.relay.relayOnce()).toBe(5);
    await redis.kill();

    const during = await fx.openCaseWithTasks(Array.from({ length: 10 }, () => ({ due: T0 })));
    expect(during).toHaveLength(10);
    expect(await h.relay.relayOnce()).toBe(0);
    const pending = fx.sqlite.prepare("select count(*) as n from tasks where next_queued_at is null").get();
    expect(pending).toEqual({ n: 10 });

    await redis.start();
    await waitFor(async () => {
      try {
        return (await h.sweep.sweepOnce()).redisReset;
      } catch {
        return false;
      }
    }, "the sweep to see the lost jobs");
    expect(await h.relay.relayOnce()).toBe(15);
    h.startWorker();
    await waitFor(() => h.channel.received.length >= 15, "15 reminders");
    await queueSettled(h.queue);
    const counts = countsById(h.channel);
    expect(Object.keys(counts).sort()).toEqual([...before, ...during].map((t) => `${t.id}:0`).sort());
    expect(Object.values(counts).every((n) => n === 1)).toBe(true);
  });

  it("Redis flushed: the sweep restores delivery, nothing lost, nothing duplicated", async () => {
    const h = harness(redis.url);
    const early = await fx.openCaseWithTasks(Array.from({ length: 4 }, () => ({ due: T0 })));
    const later = await fx.openCaseWithTasks(
      Array.from({ length: 6 }, () => ({ due: "2026-03-02T10:00:00.000Z" })),
    );
    await h.sweep.sweepOnce();
    expect(await h.relay.relayOnce()).toBe(10);
    h.startWorker();
    await waitFor(() => h.channel.received.length >= 4, "the 4 early reminders");
    const settled = () =>
      fx.sqlite.prepare("select count(*) as n from tasks where next_step is null").get() as { n: number };
    await waitFor(() => settled().n === 4, "the early tasks to move past their last rung");
    expect(await h.queue.getDelayedCount()).toBe(6);

    const admin = new Redis(redis.url);
    await admin.flushall();
    admin.disconnect();
    expect(await h.queue.getDelayedCount()).toBe(0);

    clock.set("2026-03-02T10:00:00.000Z");
    expect(await h.sweep.sweepOnce()).toEqual({ redisReset: true, requeued: 0 });
    expect(await h.relay.relayOnce()).toBe(6);
    await waitFor(() => h.channel.received.length >= 10, "the 6 later reminders");
    await queueSettled(h.queue);
    expect(await h.sweep.sweepOnce()).toEqual({ redisReset: false, requeued: 0 });
    const counts = countsById(h.channel);
    expect(Object.keys(counts).sort()).toEqual([...early, ...later].map((t) => `${t.id}:0`).sort());
    expect(Object.values(counts).every((n) => n === 1)).toBe(true);
  });

  it("a single job removed from Redis is found by the sweep once overdue and delivered once", async () => {
    const h = harness(redis.url);
    const [task] = await fx.openCaseWithTasks([{ due: "2026-03-02T10:00:00.000Z" }]);
    await h.sweep.sweepOnce();
    expect(await h.relay.relayOnce()).toBe(1);
    const [job] = await h.queue.getDelayed();
    await job!.remove();
    clock.set("2026-03-02T10:00:00.000Z");
    expect(await h.sweep.sweepOnce()).toEqual({ redisReset: false, requeued: 1 });
    expect(await h.relay.relayOnce()).toBe(1);
    h.startWorker();
    await waitFor(() => h.channel.received.length >= 1, "the reminder");
    await queueSettled(h.queue);
    expect(h.channel.received.map((m) => m.id)).toEqual([`${task!.id}:0`]);
  });
});
