import { Writable } from "node:stream";
import type { FastifyBaseLogger } from "fastify";
import { describe, expect, it, vi } from "vitest";
import { createLoggers } from "./logger.ts";
import { requestLogger } from "./request-logger.ts";
import { build } from "./testing/build.ts";
import { IDENTIFICATION } from "./testing/fixtures.ts";

/** The server's own loggers, writing into an array. */
function capturedLoggers() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  const { logger } = createLoggers({ level: "info", destination });
  return { logger: logger as unknown as FastifyBaseLogger, lines };
}

describe("the per-request logger", () => {
  it("makes its pino child on the first line only, with the request's bindings and the server's redaction", () => {
    const { logger, lines } = capturedLoggers();
    const child = vi.spyOn(logger, "child");
    const log = requestLogger(logger, { reqId: "req-1" }, {});
    expect(log.level).toBe("info");
    expect(child).not.toHaveBeenCalled();

    log.warn({ person: { givenName: "Zorbalina" }, code: "X" }, "request refused");
    log.info("again");
    expect(child).toHaveBeenCalledTimes(1);
    const [first, second] = lines.map((line) => JSON.parse(line));
    expect(first).toMatchObject({ reqId: "req-1", code: "X", msg: "request refused", person: "[redacted]" });
    expect(second).toMatchObject({ reqId: "req-1", msg: "again" });
    expect(lines.join("")).not.toContain("Zorbalina");
  });

  it("keeps a route's own options (a level set per route)", () => {
    const { logger, lines } = capturedLoggers();
    const log = requestLogger(logger, { reqId: "req-2" }, { level: "warn" });
    expect(log.level).toBe("warn");
    log.info("below the route's level");
    log.warn("at it");
    expect(lines.map((line) => JSON.parse(line).msg)).toEqual(["at it"]);
  });

  it("gives a refused request's own line the request's id, as its completion line has", async () => {
    const t = await build();
    try {
      const refused = await t.app.inject({
        method: "POST",
        url: "/v1/cases",
        payload: { country: "QQ", person: {}, identification: IDENTIFICATION },
      });
      expect(refused.statusCode).toBeGreaterThanOrEqual(400);
      const lines = t.logs.map((line) => JSON.parse(line));
      const refusal = lines.find((l) => l.msg === "request refused");
      const completion = lines.find(
        (l) => l.msg === "request completed" && l.res?.statusCode === refused.statusCode,
      );
      expect(refusal?.reqId).toMatch(/^[0-9a-f-]{36}$/);
      expect(refusal?.reqId).toBe(completion?.reqId);
    } finally {
      await t.close();
    }
  });
});
