import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProtected, OTHER, OWN, type ProtectedApp } from "../auth/testing.ts";
import { ADULT, CHILD } from "../testing/fixtures.ts";

let fx: ProtectedApp;
beforeAll(async () => {
  fx = await buildProtected();
});
afterAll(async () => {
  await fx?.close();
});

async function consent(caseId: string, body: object) {
  const res = await fx.app.inject({
    method: "POST",
    url: `/v1/cases/${caseId}/consents`,
    headers: await fx.headers("caseworker"),
    payload: body,
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().revision as number;
}
const refer = async (caseId: string, agency: string = OTHER) =>
  fx.app.inject({
    method: "POST",
    url: `/v1/cases/${caseId}/referrals`,
    headers: await fx.headers("caseworker"),
    payload: { agency, purpose: "assistance" },
  });

describe("consent", () => {
  it("an adult's referral needs consent, and withdrawal stops further sharing from that moment", async () => {
    const { id } = await fx.openCase(ADULT, OWN);
    const missing = await refer(id);
    expect(missing.statusCode).toBe(422);
    expect(missing.json()).toMatchObject({ code: "PASSERELLE_CONSENT_REQUIRED" });

    let revision = await consent(id, {
      scope: "dataSharing",
      given: true,
      method: "written",
      purpose: "referral to services",
      expectedRevision: 1,
    });
    expect((await refer(id)).statusCode).toBe(201);

    revision = await consent(id, {
      scope: "dataSharing",
      given: false,
      method: "oral",
      expectedRevision: revision,
    });
    const afterWithdrawal = await refer(id, "shelter-ngo");
    expect(afterWithdrawal.statusCode).toBe(422);
    expect(afterWithdrawal.json()).toMatchObject({
      code: "PASSERELLE_CONSENT_WITHDRAWN",
      scopes: ["dataSharing"],
    });
    // The refused referral granted nothing and was audited as denied.
    const grants = await fx.app.inject({
      method: "GET",
      url: `/v1/cases/${id}/referrals`,
      headers: await fx.headers("caseworker"),
    });
    expect(grants.json().items.map((g: { agencyId: string }) => g.agencyId)).toEqual([`ZZ:${OTHER}`]);
    const denied = (await fx.app.store.audit.list({ limit: 100, targetType: "case", targetId: id })).filter(
      (e) => e.action === "case.refer",
    );
    expect(denied.map((e) => e.outcome)).toEqual(["denied", "allowed", "denied"]);
    // The history shows the withdrawal like any event.
    const history = await fx.app.inject({
      method: "GET",
      url: `/v1/cases/${id}/history`,
      headers: await fx.headers("caseworker"),
    });
    expect(history.json().items.filter((h: { event: string }) => h.event === "RECORD_CONSENT")).toHaveLength(
      2,
    );
    expect(revision).toBe(3);
  });

  it("a guardian's consent is recorded with the guardian; the list shows the relationship, not the name", async () => {
    const { id } = await fx.openCase(CHILD, OWN);
    await consent(id, {
      scope: "assistance",
      given: true,
      method: "guardian",
      guardian: { name: "Guardian Example", relationship: "parent" },
      expectedRevision: 1,
    });
    const consents = await fx.app.inject({
      method: "GET",
      url: `/v1/cases/${id}/consents`,
      headers: await fx.headers("caseworker"),
    });
    expect(consents.json().items[0]).toMatchObject({
      scope: "assistance",
      method: "guardian",
      guardian: { relationship: "parent" },
      actor: fx.users.police.caseworker.id,
    });
    expect(consents.body).not.toContain("Guardian Example");
  });

  it("refuses guardian consent without the guardian", async () => {
    const { id } = await fx.openCase(CHILD, OWN);
    const res = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${id}/consents`,
      headers: await fx.headers("caseworker"),
      payload: { scope: "assistance", given: true, method: "guardian", expectedRevision: 1 },
    });
    expect(res.statusCode).toBe(400);
    // Withdrawing is never held up for the guardian's name.
    const withdrawn = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${id}/consents`,
      headers: await fx.headers("caseworker"),
      payload: { scope: "assistance", given: false, method: "guardian", expectedRevision: 1 },
    });
    expect(withdrawn.statusCode, withdrawn.body).toBe(200);
  });

  it("a refused consent record is in the audit log, and the case is unchanged", async () => {
    const { id, revision } = await fx.openCase(ADULT, OWN);
    const res = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${id}/consents`,
      headers: await fx.headers("caseworker"),
      payload: { scope: "referral", given: true, method: "written", expectedRevision: revision + 5 },
    });
    expect(res.statusCode).toBe(409);
    const entries = await fx.app.store.audit.list({ limit: 100, targetType: "case", targetId: id });
    expect(entries.filter((e) => e.action === "case.event.refused")).toMatchObject([
      {
        outcome: "failed",
        reason: "PASSERELLE_STALE_REVISION",
        details: { event: "RECORD_CONSENT", expectedRevision: revision + 5 },
      },
    ]);
    expect(entries.some((e) => e.action === "consent.give")).toBe(false);
    const read = await fx.app.inject({ url: `/v1/cases/${id}`, headers: await fx.headers("caseworker") });
    expect(read.json().revision).toBe(revision);
  });
});
