import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAudit } from "../audit/audit-trail.ts";
import { buildProtected, OTHER, OWN, type ProtectedApp } from "../auth/testing.ts";
import { ADULT } from "../testing/fixtures.ts";

let fx: ProtectedApp;
let caseId: string;
let taskId: string;
beforeAll(async () => {
  fx = await buildProtected();
  const opened = await fx.openCase(ADULT, OWN);
  caseId = opened.id;
  taskId = opened.tasks[0]!.id;
});
afterAll(async () => {
  await fx?.close();
});

const as = (role: "caseworker" | "supervisor", side: "police" | "welfare" = OWN) => fx.headers(role, side);

describe("need-to-know", () => {
  it("another agency cannot read, change or even detect a case (IDOR → 404)", async () => {
    const attempts = [
      { method: "GET", url: `/v1/cases/${caseId}` },
      { method: "GET", url: `/v1/cases/${caseId}/history` },
      { method: "GET", url: `/v1/cases/${caseId}/consents` },
      {
        method: "POST",
        url: `/v1/cases/${caseId}/events`,
        payload: { type: "DECLINED", expectedRevision: 1 },
      },
      { method: "POST", url: `/v1/cases/${caseId}/referrals`, payload: { agency: OTHER, purpose: "x" } },
      { method: "POST", url: `/v1/tasks/${taskId}/complete`, payload: {} },
    ] as const;
    for (const a of attempts) {
      const res = await fx.app.inject({ ...a, headers: await as("supervisor", OTHER) });
      expect(res.statusCode, `${a.method} ${a.url}`).toBe(404);
    }
    // …and the same answer as for a case that does not exist at all.
    const missing = await fx.app.inject({
      method: "GET",
      url: "/v1/cases/case_00000000000000000000000000",
      headers: await as("caseworker", OTHER),
    });
    const hidden = await fx.app.inject({
      method: "GET",
      url: `/v1/cases/${caseId}`,
      headers: await as("caseworker", OTHER),
    });
    expect({ ...hidden.json(), instance: null }).toEqual({ ...missing.json(), instance: null });
    // Nothing changed: the case is still at revision 1.
    const own = await fx.app.inject({
      method: "GET",
      url: `/v1/cases/${caseId}`,
      headers: await as("caseworker"),
    });
    expect(own.json().revision).toBe(1);
  });

  it("lists show only cases and tasks in reach", async () => {
    const other = await fx.openCase(ADULT, OTHER);
    const list = await fx.app.inject({ method: "GET", url: "/v1/cases", headers: await as("caseworker") });
    const ids = list.json().items.map((c: { id: string }) => c.id);
    expect(ids).toContain(caseId);
    expect(ids).not.toContain(other.id);
    const tasks = await fx.app.inject({
      method: "GET",
      url: "/v1/tasks",
      headers: await as("caseworker", OTHER),
    });
    const taskCases = tasks.json().items.map((t: { caseId: string }) => t.caseId);
    expect(taskCases).toContain(other.id);
    expect(taskCases).not.toContain(caseId);
  });

  it("a caseworker cannot open a case for another agency", async () => {
    const res = await fx.app.inject({
      method: "POST",
      url: "/v1/cases",
      headers: await as("caseworker"),
      payload: {
        country: "ZZ",
        person: ADULT,
        identification: { date: "2026-11-02", agency: OTHER, method: "outreach" },
      },
    });
    expect(res.statusCode).toBe(403);
  });

  it("a referral grants the other agency access, recorded; it cannot refer onward", async () => {
    const consent = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${caseId}/consents`,
      headers: await as("caseworker"),
      payload: { scope: "referral", given: true, method: "written", expectedRevision: 1 },
    });
    expect(consent.statusCode).toBe(200);
    const referral = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${caseId}/referrals`,
      headers: await as("caseworker"),
      payload: { agency: OTHER, purpose: "psychosocial support" },
    });
    expect(referral.statusCode).toBe(201);
    expect(referral.json()).toMatchObject({ agencyId: `ZZ:${OTHER}`, basis: "consent" });
    const read = await fx.app.inject({
      method: "GET",
      url: `/v1/cases/${caseId}`,
      headers: await as("caseworker", OTHER),
    });
    expect(read.statusCode).toBe(200);
    const onward = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${caseId}/referrals`,
      headers: await as("caseworker", OTHER),
      payload: { agency: "shelter-ngo", purpose: "shelter" },
    });
    expect(onward.statusCode).toBe(403);
    const audit = await fx.app.store.audit.list({ limit: 100, targetType: "case", targetId: caseId });
    expect(audit.some((e) => e.action === "case.refer" && e.outcome === "allowed")).toBe(true);
    expect(audit.some((e) => e.action === "case.read" && e.actorAgencyId === `ZZ:${OTHER}`)).toBe(true);
  });

  it("a supervisor-only event is refused to a caseworker (403) and accepted from a supervisor", async () => {
    const opened = await fx.openCase(ADULT, OWN);
    let revision = opened.revision;
    const post = async (role: "caseworker" | "supervisor", payload: object) =>
      fx.app.inject({
        method: "POST",
        url: `/v1/cases/${opened.id}/events`,
        headers: await as(role),
        payload,
      });
    revision = (
      await post("caseworker", {
        type: "RECORD_CONSENT",
        data: { scope: "referral", given: true, method: "oral" },
        expectedRevision: revision,
      })
    ).json().revision;
    revision = (
      await post("caseworker", {
        type: "SCREENING_COMPLETED",
        data: { outcome: "trafficking" },
        expectedRevision: revision,
      })
    ).json().revision;
    const refused = await post("caseworker", {
      type: "RG_DECISION",
      data: { decision: "positive" },
      expectedRevision: revision,
    });
    expect(refused.statusCode).toBe(403);
    expect(refused.json().code).toBe("PASSERELLE_FORBIDDEN");
    // The refusal is in the audit log, found with the case's other entries, and the chain holds.
    const stale = await post("supervisor", {
      type: "RG_DECISION",
      data: { decision: "positive" },
      expectedRevision: revision - 1,
    });
    expect(stale.statusCode).toBe(409);
    const unknown = await post("caseworker", { type: "NO_SUCH_EVENT", expectedRevision: revision });
    expect(unknown.statusCode).toBe(422);
    // Refused on its revision before its type is looked at: still no free text in the log.
    const unknownStale = await post("caseworker", { type: "JANE_DOE", expectedRevision: revision - 1 });
    expect(unknownStale.statusCode).toBe(409);
    const refusals = (
      await fx.app.store.audit.list({ limit: 100, targetType: "case", targetId: opened.id })
    ).filter((e) => e.action === "case.event.refused");
    expect(refusals.map((e) => [e.outcome, e.reason, e.actorRole, e.details])).toEqual([
      ["denied", "PASSERELLE_FORBIDDEN", "caseworker", { event: "RG_DECISION", expectedRevision: revision }],
      [
        "failed",
        "PASSERELLE_STALE_REVISION",
        "supervisor",
        { event: "RG_DECISION", expectedRevision: revision - 1 },
      ],
      ["failed", "PASSERELLE_EVENT_UNKNOWN", "caseworker", { expectedRevision: revision }],
      ["failed", "PASSERELLE_STALE_REVISION", "caseworker", { expectedRevision: revision - 1 }],
    ]);
    expect((await verifyAudit(fx.app.store.audit)).ok).toBe(true);
    const accepted = await post("supervisor", {
      type: "RG_DECISION",
      data: { decision: "positive" },
      expectedRevision: revision,
    });
    expect(accepted.statusCode).toBe(200);
  });

  it("a supervisor reassigns within the agency; a caseworker may not", async () => {
    const url = `/v1/cases/${caseId}/assignee`;
    const target = fx.users.police.caseworker.id;
    expect(
      (
        await fx.app.inject({
          method: "POST",
          url,
          headers: await as("caseworker"),
          payload: { assignee: target },
        })
      ).statusCode,
    ).toBe(403);
    const ok = await fx.app.inject({
      method: "POST",
      url,
      headers: await as("supervisor"),
      payload: { assignee: target },
    });
    expect(ok.statusCode).toBe(200);
    const outside = await fx.app.inject({
      method: "POST",
      url,
      headers: await as("supervisor"),
      payload: { assignee: fx.users.welfare.caseworker.id },
    });
    expect(outside.statusCode).toBe(403);
  });
});
