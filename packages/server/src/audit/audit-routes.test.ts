import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { buildProtected, OWN, type ProtectedApp } from "../auth/testing.ts";
import { ADULT } from "../testing/fixtures.ts";
import { verifyAudit } from "./audit-trail.ts";

let fx: ProtectedApp | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe("audit routes", () => {
  it("records case reads and writes, and refusals, with who, what, when, from where and why", async () => {
    fx = await buildProtected();
    const { id } = await fx.openCase(ADULT, OWN);
    await fx.app.inject({ method: "GET", url: `/v1/cases/${id}`, headers: await fx.headers("caseworker") });
    await fx.app.inject({
      method: "GET",
      url: `/v1/cases/${id}`,
      headers: await fx.headers("caseworker", "welfare"),
    });
    const res = await fx.app.inject({
      method: "GET",
      url: `/v1/audit?caseId=${id}`,
      headers: await fx.headers("auditor"),
    });
    expect(res.statusCode).toBe(200);
    const items = res.json().items as {
      action: string;
      outcome: string;
      actorUserId: string;
      ip: string;
      reason: string;
      at: string;
    }[];
    expect(items.map((e) => [e.action, e.outcome])).toEqual([
      ["case.create", "allowed"],
      ["case.read", "allowed"],
      ["GET /v1/cases/:id", "denied"],
    ]);
    expect(items[1]).toMatchObject({
      actorUserId: fx.users.police.caseworker.id,
      ip: "127.0.0.1",
      reason: "case:read",
    });
    expect(items[2]!.reason).toBe("out-of-reach");
    expect(JSON.stringify(items)).not.toContain(ADULT.familyName);
    // Only auditors read it.
    expect(
      (await fx.app.inject({ method: "GET", url: "/v1/audit", headers: await fx.headers("admin") }))
        .statusCode,
    ).toBe(403);
  });

  it("an accepted event's entry says the same instant and revision as its history row", async () => {
    fx = await buildProtected();
    const { id, revision } = await fx.openCase(ADULT, OWN);
    const event = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${id}/events`,
      headers: await fx.headers("caseworker"),
      payload: {
        type: "RECORD_CONSENT",
        data: { scope: "referral", given: true, method: "oral" },
        expectedRevision: revision,
      },
    });
    expect(event.statusCode).toBe(200);
    const history = (
      await fx.app.inject({
        method: "GET",
        url: `/v1/cases/${id}/history`,
        headers: await fx.headers("caseworker"),
      })
    ).json().items as { seq: number; at: string; event: string }[];
    const row = history.find((h) => h.event === "RECORD_CONSENT")!;
    const items = (
      await fx.app.inject({
        method: "GET",
        url: `/v1/audit?caseId=${id}`,
        headers: await fx.headers("auditor"),
      })
    ).json().items as { action: string; at: string; details: { event?: string; revision?: number } }[];
    const entry = items.find((e) => e.action === "case.event")!;
    expect(entry.details).toMatchObject({ event: "RECORD_CONSENT", revision: row.seq });
    expect(entry.at).toBe(row.at);
  });

  it("detects tampering with the log and names the first broken link", async () => {
    fx = await buildProtected();
    const { id } = await fx.openCase(ADULT, OWN);
    for (let i = 0; i < 3; i++)
      await fx.app.inject({ method: "GET", url: `/v1/cases/${id}`, headers: await fx.headers("caseworker") });
    const intact = await fx.app.inject({
      method: "GET",
      url: "/v1/audit/verify",
      headers: await fx.headers("auditor"),
    });
    expect(intact.json()).toMatchObject({ ok: true });
    const { seq } = intact.json().head;

    // Someone with file access drops the triggers and rewrites who read the case.
    const raw = new Database(fx.file);
    raw.exec("DROP TRIGGER audit_log_no_update");
    raw.prepare("UPDATE audit_log SET actor_user_id = 'someone-else' WHERE seq = ?").run(seq - 1);
    raw.close();

    const broken = await fx.app.inject({
      method: "GET",
      url: "/v1/audit/verify",
      headers: await fx.headers("auditor"),
    });
    expect(broken.json()).toMatchObject({
      ok: false,
      checked: seq - 2,
      broken: { seq: seq - 1, problem: "hashMismatch" },
    });
  });
});

describe("audit of other case writes", () => {
  it("a task snooze is audited after it commits", async () => {
    fx = await buildProtected();
    const { id, tasks } = await fx.openCase(ADULT, OWN);
    const res = await fx.app.inject({
      method: "POST",
      url: `/v1/tasks/${tasks[0]!.id}/snooze`,
      headers: await fx.headers("supervisor"),
      payload: { for: "P1D", reason: "waiting for the interpreter" },
    });
    expect(res.statusCode, res.body).toBe(200);
    const entries = await fx.app.store.audit.list({ limit: 100, targetType: "case", targetId: id });
    expect(entries.at(-1)).toMatchObject({
      action: "task.write",
      outcome: "allowed",
      details: { task: tasks[0]!.id },
    });
    expect(JSON.stringify(entries)).not.toContain("interpreter");
  });
});

describe("audit of refused case writes", () => {
  it("a write refused after its policy allowed it is recorded once, with its code and no body", async () => {
    fx = await buildProtected();
    const { id, revision, tasks } = await fx.openCase(ADULT, OWN);
    const caseworker = await fx.headers("caseworker");
    const task = tasks[0]!.id;
    const complete = (note: string) =>
      fx!.app.inject({
        method: "POST",
        url: `/v1/tasks/${task}/complete`,
        headers: caseworker,
        payload: { note },
      });
    expect((await complete("done")).statusCode).toBe(200);
    // Completed already: 409.
    const again = await complete(`again ${ADULT.familyName}`);
    expect(again.statusCode).toBe(409);
    // An event body the schema refuses (400): recorded by the auth plugin, without the body.
    const invalid = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${id}/events`,
      headers: caseworker,
      payload: { type: "RISK_ASSESSED", data: {}, expectedRevision: revision, note: ADULT.familyName },
    });
    expect(invalid.statusCode).toBe(400);
    // A stale revision: recorded as case.event.refused, with the event, and only so.
    const stale = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${id}/events`,
      headers: caseworker,
      payload: { type: "RISK_ASSESSED", data: { riskLevel: 2 }, expectedRevision: revision + 5 },
    });
    expect(stale.statusCode).toBe(409);

    const entries = await fx.app.store.audit.list({ limit: 100, targetType: "case", targetId: id });
    const refused = entries.filter((e) => e.action.endsWith(".refused"));
    expect(refused.map((e) => [e.action, e.outcome, e.reason])).toEqual([
      ["task.write.refused", "failed", "PASSERELLE_TASK_NOT_OPEN"],
      ["case.write.refused", "failed", "PASSERELLE_VALIDATION_FAILED"],
      ["case.event.refused", "failed", "PASSERELLE_STALE_REVISION"],
    ]);
    expect(refused[0]).toMatchObject({
      actorUserId: fx.users.police.caseworker.id,
      details: { route: "/v1/tasks/:id/complete", status: 409, task },
    });
    expect(refused[1]!.details).toEqual({ route: "/v1/cases/:id/events", status: 400 });
    expect(JSON.stringify(entries)).not.toContain(ADULT.familyName);
    expect(await verifyAudit(fx.app.store.audit)).toMatchObject({ ok: true });
  });
});
