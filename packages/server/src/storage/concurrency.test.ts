import Database from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, type TestApp } from "../testing/build.ts";
import { CHILD, openCase, sendEvent } from "../testing/fixtures.ts";

describe("many parallel events on one case", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await build();
    // Screening has a targetless RISK_ASSESSED: the case can take any number of events.
  });
  afterAll(async () => {
    await t.close();
  });

  it("accepts exactly one per revision; history has no gaps and matches the 200s", async () => {
    const opened = await openCase(t.app, CHILD);
    await sendEvent(t.app, opened.id, "SCREENING_COMPLETED", 1, { outcome: "trafficking" });
    // 8 rounds of 25 clients racing for the same revision, each guessing from the last read.
    let ok = 0;
    let conflicts = 0;
    for (let round = 0; round < 8; round++) {
      const revision = (await t.app.inject({ method: "GET", url: `/v1/cases/${opened.id}` })).json()
        .revision as number;
      const results = await Promise.all(
        Array.from({ length: 25 }, (_, i) =>
          sendEvent(t.app, opened.id, "RISK_ASSESSED", revision + (i % 3), { riskLevel: (i % 5) + 1 }),
        ),
      );
      for (const r of results) {
        if (r.statusCode === 200) ok++;
        else {
          expect(r.statusCode).toBe(409);
          conflicts++;
        }
      }
    }
    expect(ok).toBeGreaterThan(0);
    expect(ok + conflicts).toBe(200);
    const db = new Database(t.file, { readonly: true });
    const seqs = db
      .prepare("SELECT seq FROM case_history WHERE case_id = ? ORDER BY seq")
      .pluck()
      .all(opened.id) as number[];
    const revision = db.prepare("SELECT revision FROM cases WHERE id = ?").pluck().get(opened.id) as number;
    db.close();
    // seq 1 is the opening, seq 2 the screening: every other row is one 200.
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i + 1));
    expect(seqs.length - 2).toBe(ok);
    expect(revision).toBe(seqs.length);
  });

  it("batches concurrent writes on different cases into shared commits", async () => {
    const ids = await Promise.all(Array.from({ length: 30 }, () => openCase(t.app, CHILD)));
    const results = await Promise.all(
      ids.map((c) => sendEvent(t.app, c.id, "SCREENING_COMPLETED", 1, { outcome: "trafficking" })),
    );
    expect(results.every((r) => r.statusCode === 200)).toBe(true);
    const queue = (t.app.store as unknown as { queue: { stats: { largestBatch: number } } }).queue;
    expect(queue.stats.largestBatch).toBeGreaterThan(1);
  });
});
