import { mkdtempSync, openSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { describe, expect, it } from "vitest";
import { bufferedDestination, LOG_FLUSH_MS } from "./logger.ts";

describe("bufferedDestination", () => {
  it("writes a quiet server's line within the flush period, not only once 4 KiB have gathered", async () => {
    const dir = mkdtempSync(join(tmpdir(), "passerelle-log-"));
    const file = join(dir, "out.log");
    const fd = openSync(file, "w");
    const destination = bufferedDestination(fd);
    try {
      pino(destination).info({ reqId: "req-1" }, "request completed");
      // Far below the 4 KiB a write gathers: without the periodic flush it would sit in the buffer.
      await new Promise((resolve) => setTimeout(resolve, LOG_FLUSH_MS * 3));
      const lines = readFileSync(file, "utf8").trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0]!)).toMatchObject({ reqId: "req-1", msg: "request completed" });
    } finally {
      // Closes the file descriptor too (sonic-boom owns it from here).
      await new Promise((resolve) => {
        destination.once("close", resolve);
        destination.end();
      });
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
