import type { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { build, type TestApp } from "../../testing/build.ts";
import { CHILD, openCase, sendEvent } from "../../testing/fixtures.ts";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** The reader thread of an app's store (reached into for fault injection only). */
function readerThreadOf(app: TestApp["app"]): Worker | undefined {
  return (app.store as unknown as { reader?: { worker?: Worker } }).reader?.worker;
}

describe("the reader thread", () => {
  it("answers case reads and lists as the request thread does inline", async () => {
    const answers: unknown[] = [];
    for (const writer of ["thread", "inline"] as const) {
      t = await build({ writer });
      const opened = await openCase(t.app, CHILD);
      await sendEvent(t.app, opened.id, "SCREENING_COMPLETED", 1, { outcome: "trafficking" });
      await openCase(t.app, CHILD);
      const read = await t.app.inject({ method: "GET", url: `/v1/cases/${opened.id}` });
      const list = await t.app.inject({ method: "GET", url: "/v1/cases?country=ZZ&limit=1" });
      const missing = await t.app.inject({ method: "GET", url: "/v1/cases/case_00000000000000000000000000" });
      expect(read.headers["content-type"]).toBe("application/json; charset=utf-8");
      const { id: _id, createdAt: _c, updatedAt: _u, facts, tasks, ...view } = read.json();
      answers.push({
        read: [read.statusCode, { ...view, identified: "identifiedAt" in facts, tasks: tasks.length }],
        list: [list.statusCode, list.json().items.length, typeof list.json().nextCursor],
        missing: [missing.statusCode, missing.json().code],
      });
      await t.close();
      t = undefined;
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toMatchObject({
      list: [200, 1, "string"],
      missing: [404, "PASSERELLE_CASE_NOT_FOUND"],
    });
  });

  it("is started, with the writer thread, before the app is ready (the first read after a restart waits for no thread)", async () => {
    t = await build();
    const store = t.app.store as unknown as {
      reader?: { worker?: Worker };
      writerThread?: { threads?: { writer: Worker } };
    };
    // Running before any request: both answered their "ready" while the app was built.
    expect(store.reader?.worker?.threadId).toBeGreaterThan(0);
    expect(store.writerThread?.threads?.writer.threadId).toBeGreaterThan(0);
    const first = await t.app.inject({ method: "GET", url: "/v1/cases?country=ZZ" });
    expect(first.statusCode).toBe(200);
    expect(readerThreadOf(t.app)).toBe(store.reader?.worker);
  });

  it("when it dies, fails the reads it held, and the next read starts a new one", async () => {
    t = await build();
    const opened = await openCase(t.app, CHILD);
    expect((await t.app.inject({ method: "GET", url: `/v1/cases/${opened.id}` })).statusCode).toBe(200);
    const worker = readerThreadOf(t.app);
    expect(worker).toBeDefined();
    const held = t.app.inject({ method: "GET", url: `/v1/cases/${opened.id}` });
    await worker!.terminate();
    expect([200, 500]).toContain((await held).statusCode);
    const next = await t.app.inject({ method: "GET", url: `/v1/cases/${opened.id}` });
    expect(next.statusCode).toBe(200);
    expect(next.json().id).toBe(opened.id);
    expect(readerThreadOf(t.app)).not.toBe(worker);
  });
});
