import type { Worker } from "node:worker_threads";
import { afterEach, describe, expect, it } from "vitest";
import { build, type TestApp } from "../../testing/build.ts";
import { CHILD, dumpCase, openCase, sendEvent } from "../../testing/fixtures.ts";
import type { DurableReplies } from "./durable-replies.ts";
import type { SqliteCaseStore } from "./sqlite-case-store.ts";

let t: TestApp | undefined;
afterEach(async () => {
  await t?.close();
  t = undefined;
});

/** The writer thread of an app's store (reached into for fault injection only). */
function writerThreadOf(app: TestApp["app"]): Worker | undefined {
  const queue = (app.store as SqliteCaseStore).queue as unknown as {
    commands: { threads?: { writer: Worker } };
  };
  return queue.commands.threads?.writer;
}

/** The writer thread's shared counter and durable replies (reached into to open the window). */
function syncStateOf(app: TestApp["app"]) {
  const queue = (app.store as SqliteCaseStore).queue as unknown as {
    commands: { threads?: { visible: Int32Array; replies: DurableReplies } };
  };
  return queue.commands.threads!;
}

describe("the writer thread", () => {
  it("holds a read that could show a commit not yet synced until that commit is on disk", async () => {
    t = await build();
    const opened = await openCase(t.app, CHILD);
    const { visible, replies } = syncStateOf(t.app);
    const newest = Atomics.load(visible, 0);
    expect(newest).toBeGreaterThan(0);
    expect(replies.isSynced(newest)).toBe(true);
    // As between a COMMIT of the writer thread and its fdatasync: the next commit is visible
    // already (the writer thread raises the counter before COMMIT), not yet on disk.
    Atomics.store(visible, 0, newest + 1);
    // Told when the read hands its answer to the durable replies: no waiting on the clock.
    const handed = new Promise<number>((resolve) => {
      const arrived = replies.arrived.bind(replies);
      replies.arrived = (commit, release, fail) => {
        arrived(commit, release, fail);
        resolve(commit);
      };
    });
    let answered = false;
    const read = t.app.inject({ url: `/v1/cases/${opened.id}` }).then((res) => {
      answered = true;
      return res;
    });
    expect(await handed).toBe(newest + 1);
    // Held: the commit it may show is not on disk.
    expect(replies.waiting).toBe(1);
    await Promise.resolve();
    expect(answered).toBe(false);
    // The next commit takes that number; once it is synced, the read leaves.
    expect(
      (await sendEvent(t.app, opened.id, "SCREENING_COMPLETED", 1, { outcome: "trafficking" })).statusCode,
    ).toBe(200);
    expect((await read).statusCode).toBe(200);
    expect(Atomics.load(visible, 0)).toBeGreaterThan(newest);
  });

  it("sees what another connection wrote: a reassignment between two events shows in the second", async () => {
    t = await build();
    const opened = await openCase(t.app, CHILD);
    expect(
      (await sendEvent(t.app, opened.id, "SCREENING_COMPLETED", 1, { outcome: "trafficking" })).statusCode,
    ).toBe(200);
    // The reassignment runs on the request thread's connection, not the writer thread's: the case
    // the writer thread kept from the first event is stale now.
    const reassigned = await t.app.inject({
      method: "POST",
      url: `/v1/cases/${opened.id}/assignee`,
      payload: { assignee: "user-2" },
    });
    expect(reassigned.statusCode).toBe(200);
    const next = await sendEvent(t.app, opened.id, "RISK_ASSESSED", 2, { riskLevel: 3 });
    expect(next.statusCode).toBe(200);
    expect(next.json()).toMatchObject({ revision: 3, assignee: "user-2" });
    expect(JSON.parse(dumpCase(t.file, opened.id)).case).toMatchObject({ revision: 3, assignee: "user-2" });
  });

  it("when it dies, fails the writes it held (never a 2xx), and the next write starts a new one", async () => {
    t = await build();
    const opened = await openCase(t.app, CHILD);
    const worker = writerThreadOf(t.app)!;
    expect(worker).toBeDefined();
    // The batch is handed to the thread but never reaches it (as if it died while the batch was in
    // flight), then the thread dies: nothing committed, deterministically. Terminating a thread
    // while it runs SQLite can bring the whole process down, so the thread is idle when killed.
    const posted = new Promise<void>((resolve) => {
      worker.postMessage = () => resolve();
    });
    const sent = sendEvent(t.app, opened.id, "SCREENING_COMPLETED", 1, { outcome: "trafficking" });
    await posted;
    await worker.terminate();
    const answer = await sent;
    // Never a 2xx for a write that is not stored.
    expect(answer.statusCode).toBe(500);
    expect(JSON.parse(dumpCase(t.file, opened.id)).case.revision).toBe(1);
    const next = await sendEvent(t.app, opened.id, "SCREENING_COMPLETED", 1, { outcome: "trafficking" });
    expect(next.statusCode).toBe(200);
    expect(next.json().revision).toBe(2);
    expect(writerThreadOf(t.app)).not.toBe(worker);
  });

  it("answers as the inline writer does", async () => {
    const answers: unknown[] = [];
    for (const writer of ["thread", "inline"] as const) {
      t = await build({ writer });
      const opened = await openCase(t.app, CHILD);
      const screened = await sendEvent(t.app, opened.id, "SCREENING_COMPLETED", 1, {
        outcome: "trafficking",
      });
      const refused = await sendEvent(t.app, opened.id, "SCREENING_COMPLETED", 2, { outcome: "trafficking" });
      const stale = await sendEvent(t.app, opened.id, "RISK_ASSESSED", 1, { riskLevel: 2 });
      const strip = (body: Record<string, unknown>) => {
        // Ids and instants differ from one app to the other; everything else must not.
        const { id: _id, createdAt: _c, updatedAt: _u, instance: _i, tasks, facts, ...rest } = body;
        return {
          ...rest,
          facts: facts && { ...(facts as object), identifiedAt: "(instant)" },
          tasks: (tasks as Record<string, unknown>[] | undefined)?.map((task) => task.taskId),
        };
      };
      answers.push(
        [screened, refused, stale].map((res) => ({ status: res.statusCode, body: strip(res.json()) })),
      );
      await t.close();
      t = undefined;
    }
    expect(answers[0]).toEqual(answers[1]);
  });
});
