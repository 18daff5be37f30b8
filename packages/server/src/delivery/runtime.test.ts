/**
 * The wiring as the processes run it: an API-role runtime (relay + sweep, no consuming) and a
 * worker-role runtime on real Redis, and the in-process mode without Redis. Shutdown drains: a
 * job in flight when the worker closes is finished and recorded, not abandoned.
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../config.ts";
import type { Channel, NotificationMessage } from "./channels/channel.ts";
import { MemoryChannel } from "./channels/memory.ts";
import { ManualClock } from "./clock.ts";
import { type DeliveryRuntime, startDelivery } from "./runtime.ts";
import { type DeliveryFixture, notificationsOf, openFixture, silentLogger } from "./testing.ts";

/** A channel whose sends wait until released, to close a worker in the middle of one. */
class GatedChannel implements Channel {
  readonly name = "log";
  readonly received: NotificationMessage[] = [];
  started: Promise<void>;
  #start: () => void = () => {};
  #release: () => void = () => {};
  readonly #gate: Promise<void>;
  constructor() {
    this.started = new Promise((resolve) => (this.#start = resolve));
    this.#gate = new Promise((resolve) => (this.#release = resolve));
  }
  release(): void {
    this.#release();
  }
  async send(message: NotificationMessage): Promise<void> {
    this.#start();
    await this.#gate;
    this.received.push(message);
  }
}

let fx: DeliveryFixture;
const runtimes: DeliveryRuntime[] = [];
beforeEach(() => {
  fx = openFixture();
});
afterEach(async () => {
  for (const runtime of runtimes.splice(0)) await runtime.close();
  await fx.close();
});

describe("delivery runtime", () => {
  it("with REDIS_URL: the API process relays, the worker process delivers, and closing drains the job in flight", async () => {
    const config = loadConfig({
      REDIS_URL: "redis://127.0.0.1:6379",
      DELIVERY_QUEUE_PREFIX: `test-${randomUUID()}`,
    });
    const clock = new ManualClock("2026-03-02T09:00:00.000Z");
    const common = {
      config,
      storage: fx.store,
      logger: silentLogger,
      clock,
      pollIntervalMs: 50,
    };
    const apiChannel = new MemoryChannel("log");
    const api = await startDelivery({ ...common, role: "api", channels: [apiChannel] });
    runtimes.push(api);
    expect(api.mode).toBe("bullmq");
    const gated = new GatedChannel();
    const worker = await startDelivery({ ...common, role: "worker", channels: [gated] });
    // Closed by the test, or by afterEach if the test fails first: a worker never outlives its test.
    let closing: Promise<void> | undefined;
    const closeWorker = () => {
      closing ??= worker.close();
      return closing;
    };
    runtimes.push({ ...worker, close: closeWorker });

    const [task] = await fx.openCaseWithTasks([{ due: "2026-03-02T09:00:00.000Z" }]);
    await gated.started;
    const closed = closeWorker();
    gated.release();
    await closed;

    expect(gated.received.map((m) => m.id)).toEqual([`${task!.id}:0`]);
    expect(notificationsOf(fx.sqlite, task!.id)).toEqual([
      { step: 0, channel: "log", status: "sent", attempts: 1, role: "caseworker" },
    ]);
    // The API process never consumed.
    expect(apiChannel.received).toEqual([]);
  });

  it("with REDIS_URL: the worker process delivers the notices of states entered; the API process does not", async () => {
    const config = loadConfig({
      REDIS_URL: "redis://127.0.0.1:6379",
      DELIVERY_QUEUE_PREFIX: `test-${randomUUID()}`,
    });
    const clock = new ManualClock("2026-03-02T09:00:00.000Z");
    // Timers an hour apart: the passes that count are the test's own.
    const common = { config, storage: fx.store, logger: silentLogger, clock };
    const apiChannel = new MemoryChannel("log");
    const api = await startDelivery({
      ...common,
      role: "api",
      channels: [apiChannel],
      pollIntervalMs: 3_600_000,
    });
    runtimes.push(api);
    const channel = new MemoryChannel("log");
    const worker = await startDelivery({
      ...common,
      role: "worker",
      channels: [channel],
      pollIntervalMs: 3_600_000,
    });
    runtimes.push(worker);
    expect(api.notices).toBeUndefined();

    const notice = {
      state: "identification",
      role: "caseworker",
      agency: "police",
      label: { en: "Identification" },
    };
    await fx.openCaseWithTasks([], "2026-03-02T08:00:00.000Z", [notice]);
    // The first call may join the start-up pass, begun before the notice existed; the second cannot.
    await worker.notices!.run();
    await worker.notices!.run();
    expect(channel.received).toMatchObject([
      {
        type: "notice",
        task: null,
        notice: { state: "identification" },
        recipient: { role: "caseworker", agency: "police" },
      },
    ]);
    expect(apiChannel.received).toEqual([]);
  });

  it("without REDIS_URL: the API process delivers through the in-process scheduler; a worker refuses to start", async () => {
    const config = loadConfig({});
    const clock = new ManualClock("2026-03-02T09:00:00.000Z");
    const channel = new MemoryChannel("log");
    const common = { config, storage: fx.store, logger: silentLogger, clock };
    // The timer's first pass runs at start; the next is an hour away: passes are the test's own.
    const api = await startDelivery({
      ...common,
      role: "api",
      channels: [channel],
      pollIntervalMs: 3_600_000,
    });
    runtimes.push(api);
    expect(api.mode).toBe("inProcess");
    const [task] = await fx.openCaseWithTasks([{ due: "2026-03-02T09:00:00.000Z" }]);
    // The first call may join the start-up pass, begun before the task existed; the second cannot.
    await api.scheduler!.runDue();
    await api.scheduler!.runDue();
    expect(channel.received).toHaveLength(1);
    expect(channel.received[0]!.id).toBe(`${task!.id}:0`);
    await expect(startDelivery({ ...common, role: "worker" })).rejects.toThrow(/REDIS_URL/);
  });
});

describe("delivery configuration", () => {
  it("needs a long enough WEBHOOK_SECRET with WEBHOOK_URL, and a redis:// REDIS_URL", () => {
    expect(() => loadConfig({ WEBHOOK_URL: "https://hooks.example.org/passerelle" })).toThrow(
      /WEBHOOK_SECRET/,
    );
    expect(() => loadConfig({ WEBHOOK_URL: "https://hooks.example.org/p", WEBHOOK_SECRET: "short" })).toThrow(
      /WEBHOOK_SECRET/,
    );
    expect(() => loadConfig({ REDIS_URL: "http://127.0.0.1:6379" })).toThrow(/REDIS_URL/);
    expect(loadConfig({ REDIS_URL: "redis://127.0.0.1:6379" })).toMatchObject({
      REDIS_URL: "redis://127.0.0.1:6379",
      DELIVERY_SWEEP_INTERVAL_MS: 60_000,
      WEBHOOK_MAX_ATTEMPTS: 8,
    });
  });
});
