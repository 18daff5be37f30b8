import { execFileSync } from "node:child_process";
import { once } from "node:events";
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { describe, expect, it, vi } from "vitest";
import { bufferedDestination, LOG_BUFFER_MAX, LOG_FLUSH_MS } from "./logger.ts";

describe("bufferedDestination", () => {
  it("writes a quiet server's line within the flush period, not only once 4 KiB have gathered", async () => {
    const dir = mkdtempSync(join(tmpdir(), "passerelle-log-"));
    const file = join(dir, "out.log");
    const fd = openSync(file, "w");
    // The flush period is moved by hand: the test neither sleeps nor depends on how busy the machine is.
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    const destination = bufferedDestination(fd);
    try {
      pino(destination).info({ reqId: "req-1" }, "request completed");
      // Far below the 4 KiB a write gathers: held in the buffer until the period ends.
      vi.advanceTimersByTime(LOG_FLUSH_MS - 1);
      expect(readFileSync(file, "utf8")).toBe("");
      const written = once(destination, "write");
      vi.advanceTimersByTime(1);
      await written;
      const lines = readFileSync(file, "utf8").trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ reqId: "req-1", msg: "request completed" });
    } finally {
      vi.useRealTimers();
      // Closes the file descriptor too (sonic-boom owns it from here).
      await new Promise((resolve) => {
        destination.once("close", resolve);
        destination.end();
      });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("bufferedDestination, nothing reading", () => {
  it("keeps at most LOG_BUFFER_MAX waiting for the reader, and drops the lines beyond", async () => {
    const dir = mkdtempSync(join(tmpdir(), "passerelle-log-"));
    const fifo = join(dir, "out");
    execFileSync("mkfifo", [fifo]);
    // A pipe whose reader has gone: every write to it fails (EPIPE), as with a dead log collector.
    const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK);
    const fd = openSync(fifo, constants.O_WRONLY);
    closeSync(reader);
    const destination = bufferedDestination(fd);
    let dropped = 0;
    destination.on("drop", () => dropped++);
    try {
      const line = `${"x".repeat(1023)}\n`;
      for (let i = 0; i < (2 * LOG_BUFFER_MAX) / line.length; i++) destination.write(line);
      // Half of what was written did not fit.
      expect(dropped).toBeGreaterThanOrEqual(LOG_BUFFER_MAX / line.length - 16);
    } finally {
      destination.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
