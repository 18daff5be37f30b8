/**
 * End to end through the HTTP API: Redis is stopped while cases are opened and events posted.
 * Every transition still succeeds (nothing is enqueued inside it); when Redis returns, the outbox
 * is relayed and a worker delivers each due reminder exactly once — and nothing for the tasks the
 * transitions cancelled.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PATHWAYS_DIR } from "@passerelle/definitions";
import type { FastifyInstance } from "fastify";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import type { SqliteCaseStore } from "../storage/sqlite/sqlite-case-store.ts";
import { TEST_PATHWAYS_DIR } from "../testing/build.ts";
import { ADULT, openCase, sendEvent } from "../testing/fixtures.ts";
import { MemoryChannel } from "./channels/memory.ts";
import { ManualClock } from "./clock.ts";
import { type DeliveryRuntime, startDelivery } from "./runtime.ts";
import { silentLogger } from "./testing.ts";
import { freePort, RedisServer, waitFor } from "./testing-redis.ts";

const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe("API with Redis down", () => {
  it("keeps accepting events; after Redis returns every due reminder is delivered exactly once", async () => {
    const redis = new RedisServer(await freePort());
    await redis.start();
    cleanups.push(() => redis.kill());
    const dir = mkdtempSync(join(tmpdir(), "passerelle-redis-down-"));
    cleanups.push(async () => rmSync(dir, { recursive: true, force: true }));
    const config = loadConfig({
      REDIS_URL: redis.url,
      DELIVERY_QUEUE_PREFIX: `test-${randomUUID()}`,
      DELIVERY_SWEEP_INTERVAL_MS: "1000",
    });
    const clock = new ManualClock(new Date());
    const app: FastifyInstance = await buildApp({
      databaseUrl: join(dir, "test.db"),
      pathwayDirs: [PATHWAYS_DIR, TEST_PATHWAYS_DIR],
      logger: { level: "silent" },
      protections: false,
      keys: { keyFile: join(dir, "keys.json"), generateIfMissing: true },
      delivery: { config, clock, channels: [new MemoryChannel("log")], pollIntervalMs: 50 },
    });
    cleanups.push(() => app.close());
    expect(app.delivery?.mode).toBe("bullmq");

    await redis.kill();
    const caseIds: string[] = [];
    for (let i = 0; i < 5; i++) {
      const opened = await openCase(app, ADULT);
      const consent = await sendEvent(app, opened.id, "RECORD_CONSENT", 1, {
        scope: "referral",
        given: true,
        method: "written",
      });
      expect(consent.statusCode).toBe(200);
      // Leaves screening (its task is cancelled) for reasonable grounds (a new decision task).
      const screened = await sendEvent(app, opened.id, "SCREENING_COMPLETED", 2, { outcome: "trafficking" });
      expect(screened.statusCode).toBe(200);
      caseIds.push(opened.id);
    }
    const open = (await app.inject({ method: "GET", url: "/v1/tasks?status=open&limit=200" })).json()
      .items as {
      id: string;
      caseId: string;
      taskId: string;
      dueAt: string;
    }[];
    const decisions = open.filter((t) => caseIds.includes(t.caseId));
    expect(decisions.map((t) => t.taskId)).toEqual(Array(5).fill("rg-decision"));

    // Time passes while Redis is away: the decisions fall due.
    clock.set(
      decisions
        .map((t) => t.dueAt)
        .sort()
        .at(-1)!,
    );
    await redis.start();
    const store = app.store as SqliteCaseStore;
    const channel = new MemoryChannel("log");
    const worker: DeliveryRuntime = await startDelivery({
      role: "worker",
      config,
      storage: store,
      logger: silentLogger,
      clock,
      channels: [channel],
      pollIntervalMs: 50,
    });
    cleanups.push(() => worker.close());
    // The worker also delivers the notices of the states the cases entered: count reminders only.
    const reminders = () => channel.received.filter((m) => m.type !== "notice");
    await waitFor(() => reminders().length >= 5, "5 reminders", 30_000);
    const outstanding = () =>
      store.sqlite
        .prepare("select count(*) as n from tasks where status = 'open' and next_step = 0")
        .get() as { n: number };
    await waitFor(() => outstanding().n === 0, "every decision task to move past its reminder");

    const ids = reminders()
      .map((m) => m.id)
      .sort();
    expect(ids).toEqual(decisions.map((t) => `${t.id}:0`).sort());
    expect(reminders().every((m) => m.task?.definitionId === "rg-decision")).toBe(true);
  }, 60_000);
});
