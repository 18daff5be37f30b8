/**
 * Shutdown of the real server process: SIGTERM drains and exits, even when nothing reads its output
 * any more (a log collector that died, a closed pipe). The server keeps answering without its log,
 * and its shutdown gives up the lines it cannot write instead of waiting for a reader that will not
 * come back.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir } from "./testing/build.ts";
import { killHard, type Started, startServer } from "./testing/processes.ts";

const started: (Started & { url: string })[] = [];
afterEach(async () => {
  for (const server of started.splice(0)) await killHard(server.child);
});

/** Resolves once `done` holds, checking every 20 ms; rejects after `ms`. */
async function until(done: () => boolean, ms: number, what: string): Promise<void> {
  for (const end = Date.now() + ms; !done(); await sleep(20))
    if (Date.now() > end) throw new Error(`waited ${ms} ms for ${what}`);
}

/** A server on a fresh SQLite file, logging at info; its output is read until the test stops it. */
async function server() {
  const dir = tempDir();
  const file = join(dir, "shutdown.db");
  const s = await startServer({
    DATABASE_URL: `file:${file}`,
    PASSERELLE_KEY_FILE: join(dir, "keys", "keys.json"),
    LOG_LEVEL: "info",
  });
  started.push(s);
  // A request, and its log line read: whatever the server logged up to here has been written.
  expect((await fetch(`${s.url}/health`)).status).toBe(200);
  await until(() => s.output().includes('"url":"/health"'), 10_000, "the request's log line");
  return { ...s, file };
}

/** SIGTERM; resolves with the exit code, or "still running" if there is none within 30 s. */
async function terminate(s: Started): Promise<number | null | string> {
  const exited = new Promise<number | null>((resolve) => s.child.once("exit", resolve));
  s.child.kill("SIGTERM");
  // close-with-grace forces an exit after 10 s, but from the event loop: a flush that never returns
  // blocks it, and the process stays alive, no longer listening.
  return Promise.race([exited, sleep(30_000, "still running after 30 s")]);
}

describe("shutdown when nothing reads the server's output", () => {
  it("exits on SIGTERM with its store closed when the reader went away since its last write", async () => {
    const s = await server();
    // The reader of its stdout goes away; the next write there is the shutdown's "closing" line,
    // below 4 KiB and so written by the flush at close. It fails (EPIPE).
    s.child.stdout!.destroy();
    expect(await terminate(s), s.output().slice(-2000)).toBe(0);
    // Drained and closed: the last connection's close checkpoints the log into the file and removes it.
    expect(existsSync(`${s.file}-wal`)).toBe(false);
  }, 60_000);

  it("goes on answering without its log, says so once on stderr, and still exits on SIGTERM", async () => {
    const s = await server();
    s.child.stdout!.destroy();
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
    // That request's line is written within the flush period, in the background, and fails.
    await until(() => s.output().includes("the log output failed"), 10_000, "the failed write");
    expect((await fetch(`${s.url}/health`)).status).toBe(200);
    expect(s.output().split("the log output failed")).toHaveLength(2);
    expect(await terminate(s), s.output().slice(-2000)).toBe(0);
  }, 60_000);
});
