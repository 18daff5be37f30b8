/**
 * Redis for fault tests: a throwaway `redis-server` on a free port that a test can kill, restart
 * (empty: `--save ''`) or flush without touching the shared Redis at 127.0.0.1:6379, plus helpers
 * to wait on the queue.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { createServer } from "node:net";
import type { Queue } from "bullmq";
import { Redis } from "ioredis";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => resolve(typeof address === "object" && address ? address.port : 0));
    });
  });
}

export class RedisServer {
  #process: ChildProcess | undefined;
  constructor(
    readonly port: number,
    readonly maxmemoryPolicy = "noeviction",
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.#process = spawn(
      "redis-server",
      [
        "--port",
        String(this.port),
        "--bind",
        "127.0.0.1",
        "--save",
        "",
        "--appendonly",
        "no",
        "--maxmemory-policy",
        this.maxmemoryPolicy,
      ],
      { stdio: "ignore" },
    );
    const probe = new Redis(this.port, "127.0.0.1", {
      lazyConnect: true,
      retryStrategy: () => 50,
      maxRetriesPerRequest: 0,
    });
    probe.on("error", () => undefined);
    await waitFor(async () => {
      try {
        if (probe.status !== "ready") await probe.connect().catch(() => undefined);
        return (await probe.ping()) === "PONG";
      } catch {
        return false;
      }
    }, "redis-server to start");
    probe.disconnect();
  }

  /** SIGKILL: no shutdown save, the data is gone. */
  async kill(): Promise<void> {
    const child = this.#process;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once("exit", () => resolve());
      child.kill("SIGKILL");
    });
  }
}

/** Polls `check` until it holds; throws (with `what`) after `timeoutMs`. */
export async function waitFor(
  check: () => boolean | Promise<boolean>,
  what: string,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Resolves once the queue has nothing waiting, delayed or active. */
export async function queueSettled(queue: Queue): Promise<void> {
  await waitFor(async () => {
    const counts = await queue.getJobCounts("waiting", "delayed", "active", "prioritized");
    return Object.values(counts).every((n) => n === 0);
  }, "the queue to drain");
}
