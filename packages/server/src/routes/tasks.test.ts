import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, type TestApp } from "../testing/build.ts";
import { ADULT, dumpCase, openCase } from "../testing/fixtures.ts";

let t: TestApp;
beforeAll(async () => {
  t = await build();
});
afterAll(async () => {
  await t.close();
});

describe("task routes", () => {
  it("lists open tasks by assignee role and completes one with a note", async () => {
    const opened = await openCase(t.app, ADULT);
    const list = await t.app.inject({ method: "GET", url: "/v1/tasks?status=open&assignee=caseworker" });
    expect(list.statusCode).toBe(200);
    const task = list.json().items.find((x: { caseId: string }) => x.caseId === opened.id);
    expect(task).toMatchObject({
      taskId: "screening",
      status: "open",
      overdue: false,
      assignee: { role: "caseworker" },
    });
    const none = (await t.app.inject({ method: "GET", url: "/v1/tasks?assignee=committee" })).json();
    expect(none.items).toEqual([]);

    const done = await t.app.inject({
      method: "POST",
      url: `/v1/tasks/${task.id}/complete`,
      payload: { note: "Screening interview held" },
    });
    expect(done.statusCode).toBe(200);
    expect(done.json()).toMatchObject({ id: task.id, status: "done", hasNote: true });
    expect(done.body).not.toContain("Screening interview held");
    expect(done.json().completedAt).not.toBeNull();

    const before = await dumpCase(t.file, opened.id);
    const again = await t.app.inject({ method: "POST", url: `/v1/tasks/${task.id}/complete` });
    expect(again.statusCode).toBe(409);
    expect(again.json()).toMatchObject({ code: "PASSERELLE_TASK_NOT_OPEN", taskStatus: "done" });
    expect(await dumpCase(t.file, opened.id)).toBe(before);
  });

  it("answers 404 for an unknown task", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/tasks/task_00000000000000000000000000/complete",
    });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe("PASSERELLE_TASK_NOT_FOUND");
  });
});
