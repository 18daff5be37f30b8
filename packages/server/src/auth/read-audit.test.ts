import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADULT } from "../testing/fixtures.ts";
import { rawDatabase } from "../testing/raw-database.ts";
import { buildProtected, type ProtectedApp } from "./testing.ts";

// A read's audit entry is committed while its handler runs (they overlap), but no answer leaves
// before the entry is durable: if the entry cannot be written, the read fails and shows nothing.
let fx: ProtectedApp;
let caseId: string;
beforeAll(async () => {
  fx = await buildProtected();
  caseId = (await fx.openCase(ADULT)).id;
});
afterAll(async () => {
  await fx?.close();
});

const reads = () => [`/v1/cases/${caseId}`, "/v1/cases?limit=5"];

describe("audit of reads", () => {
  it("every answered read has its entry in the log", async () => {
    const count = rawDatabase(fx.app)
      .prepare("SELECT count(*) FROM audit_log WHERE outcome = 'allowed'")
      .pluck();
    for (const url of reads()) {
      const before = count.get() as number;
      const res = await fx.app.inject({ method: "GET", url, headers: await fx.headers("caseworker") });
      expect(res.statusCode, url).toBe(200);
      expect(count.get(), url).toBe(before + 1);
    }
  });

  it("a read whose entry cannot be committed is refused and carries no case data", async () => {
    rawDatabase(fx.app).exec(
      "CREATE TRIGGER audit_down BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'audit unavailable'); END",
    );
    try {
      for (const url of reads()) {
        const res = await fx.app.inject({ method: "GET", url, headers: await fx.headers("caseworker") });
        expect(res.statusCode, url).toBe(500);
        expect(res.body, url).not.toContain(caseId);
      }
    } finally {
      rawDatabase(fx.app).exec("DROP TRIGGER audit_down");
    }
  });
});
