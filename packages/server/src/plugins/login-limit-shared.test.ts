/**
 * Behind a load balancer an address's login attempts are counted across the API instances: two
 * apps on one database and one Redis (real, 127.0.0.1:6379) share the limit. Each sees half of the
 * attempts, so with counters of their own neither would ever refuse.
 */
import { randomUUID } from "node:crypto";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app.ts";
import { loadConfig } from "../config.ts";
import { LOGIN_ATTEMPTS_PER_MINUTE } from "../routes/auth.ts";
import { TEST_PATHWAYS_DIR, tempDir, testKeyFile } from "../testing/build.ts";

const apps: FastifyInstance[] = [];
beforeAll(async () => {
  const dir = tempDir();
  const config = loadConfig({
    REDIS_URL: "redis://127.0.0.1:6379",
    DELIVERY_QUEUE_PREFIX: `login-limit-${randomUUID()}`,
  });
  for (let i = 0; i < 2; i++)
    apps.push(
      await buildApp({
        databaseUrl: join(dir, "test.db"),
        pathwayDirs: [TEST_PATHWAYS_DIR],
        logger: { level: "silent" },
        protections: true,
        keys: { keyFile: testKeyFile(dir), generateIfMissing: true },
        // Delivery's passes are not what this tests: they wait an hour.
        delivery: { config, pollIntervalMs: 3_600_000 },
      }),
    );
});
afterAll(async () => {
  for (const app of apps) await app.close();
});

describe("login limit per address with several instances", () => {
  it("counts an address's attempts on every instance together", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < LOGIN_ATTEMPTS_PER_MINUTE + 2; i++) {
      const res = await apps[i % 2]!.inject({
        method: "POST",
        url: "/v1/auth/login",
        remoteAddress: "203.0.113.77",
        payload: { login: `nobody-${i}`, password: "guess number one" },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, LOGIN_ATTEMPTS_PER_MINUTE).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(LOGIN_ATTEMPTS_PER_MINUTE)).toEqual([429, 429]);
  });
});
