/**
 * A worker killed mid-job: the job stalls, BullMQ hands it to another worker once the lock
 * expires, the webhook is sent again, and the receiver, deduplicating on the notification id, sees
 * one logical notification. Real processes, real Redis, a real HTTP receiver, a real SQLite file.
 */
import { type ChildProcess, fork } from "node:child_process";
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { Queue } from "bullmq";
import { afterEach, describe, expect, it } from "vitest";
import { DELIVERY_HEADER, SIGNATURE_HEADER, verifySignature } from "./channels/webhook.ts";
import { ManualClock } from "./clock.ts";
import type { DueRung } from "./handler.ts";
import { OutboxRelay } from "./producer.ts";
import { connectRedis, DELIVERY_QUEUE } from "./redis.ts";
import { notificationsOf, openFixture, silentLogger } from "./testing.ts";
import { queueSettled, waitFor } from "./testing-redis.ts";

const REDIS_URL = "redis://127.0.0.1:6379";
const SECRET = "crash-test-secret-of-at-least-32-chars";
const CHILD = fileURLToPath(new URL("./testing-worker-child.ts", import.meta.url));

const children: ChildProcess[] = [];
let server: Server | undefined;
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server?.closeAllConnections();
});

function startWorker(env: Record<string, string>): Promise<ChildProcess> {
  const child = fork(CHILD, [], {
    env: { ...process.env, ...env },
    execArgv: ["--import", "tsx"],
    stdio: "ignore",
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once("message", () => resolve(child));
    child.once("exit", (code) => reject(new Error(`worker exited with ${code}`)));
  });
}

describe("worker killed mid-job", () => {
  it("the job is retried by another worker and the receiver sees one logical notification", async () => {
    const fx = openFixture();
    const prefix = `test-${randomUUID()}`;
    const received: { id: string; signed: boolean }[] = [];
    let firstArrived: () => void = () => {};
    const first = new Promise<void>((resolve) => (firstArrived = resolve));
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", () => {
        received.push({
          id: req.headers[DELIVERY_HEADER] as string,
          signed: verifySignature(body, req.headers[SIGNATURE_HEADER] as string, SECRET),
        });
        // The first request never gets an answer: the worker is killed while waiting for it.
        if (received.length === 1) firstArrived();
        else res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server!.listen(0, "127.0.0.1", () => resolve()));
    const env = {
      DB_FILE: fx.file,
      REDIS_URL,
      PREFIX: prefix,
      WEBHOOK_URL: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`,
      WEBHOOK_SECRET: SECRET,
      LEASE_MS: "1000",
    };
    const producer = connectRedis(REDIS_URL, "producer", silentLogger);
    const queue = new Queue<DueRung>(DELIVERY_QUEUE, { connection: producer, prefix });
    try {
      const [task] = await fx.openCaseWithTasks([{ due: "2026-03-02T09:00:00.000Z" }]);
      const clock = new ManualClock("2026-03-02T09:00:00.000Z");
      const relay = new OutboxRelay({
        storage: fx.store,
        queue,
        clock,
        logger: silentLogger,
      });
      expect(await relay.relayOnce()).toBe(1);

      const doomed = await startWorker(env);
      await first;
      doomed.kill("SIGKILL");
      await startWorker(env);

      await waitFor(() => received.length >= 2, "the retried webhook", 30_000);
      await queueSettled(queue);
      expect(received.length).toBe(2);
      expect(received.every((r) => r.signed)).toBe(true);
      expect(new Set(received.map((r) => r.id))).toEqual(new Set([`${task!.id}:0`]));
      const rows = notificationsOf(fx.sqlite, task!.id);
      expect(rows).toEqual([
        { step: 0, channel: "webhook", status: "sent", attempts: 2, role: "caseworker" },
      ]);
    } finally {
      await queue.obliterate({ force: true }).catch(() => undefined);
      await queue.close();
      producer.disconnect();
      await fx.close();
    }
  }, 40_000);
});
