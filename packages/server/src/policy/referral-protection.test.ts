/**
 * The ways a person's data could travel against their will through referrals: the child
 * presumption used to skip consent, access that could never be taken back, and a receiving agency
 * recording consent on the owner's behalf.
 */

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgency } from "../auth/directory.ts";
import type { Role } from "../auth/roles.ts";
import { buildProtected, OTHER, OWN, type ProtectedApp } from "../auth/testing.ts";
import { ADULT, CHILD } from "../testing/fixtures.ts";

let fx: ProtectedApp;
beforeAll(async () => {
  fx = await buildProtected();
  // An agency abroad, for cross-border referrals.
  if (!(await fx.app.store.directory.getAgency("GH:dsw")))
    await fx.app.store.transaction((tx) =>
      createAgency(tx.directory, { country: "GH", code: "dsw", name: "dsw", kind: "government" }),
    );
});
afterAll(async () => {
  await fx?.close();
});

const refer = async (caseId: string, body: Record<string, unknown>, role: Role = "caseworker") =>
  fx.app.inject({
    method: "POST",
    url: `/v1/cases/${caseId}/referrals`,
    headers: await fx.headers(role),
    payload: { agency: OTHER, purpose: "assistance", ...body },
  });

async function consent(caseId: string, revision: number, scope: string, given: boolean) {
  const res = await fx.app.inject({
    method: "POST",
    url: `/v1/cases/${caseId}/consents`,
    headers: await fx.headers("caseworker"),
    payload: { scope, given, method: "written", expectedRevision: revision },
  });
  expect(res.statusCode, res.body).toBe(200);
  return res.json().revision as number;
}

const readAs = async (caseId: string, path = "", side: typeof OWN | typeof OTHER = OTHER) =>
  fx.app.inject({ url: `/v1/cases/${caseId}${path}`, headers: await fx.headers("caseworker", side) });

describe("the child presumption protects and never strips protection", () => {
  for (const [label, person] of [
    ["without a birth date", { givenName: "Kofi", sex: "male" }],
    ["with an uncertain age", CHILD],
  ] as const) {
    it(`a presumed child ${label} is not referred without consent unless a supervisor records a best-interests decision`, async () => {
      const { id } = await fx.openCase(person);
      for (const agency of [OTHER, "GH:dsw"]) {
        const refused = await refer(id, { agency });
        expect(refused.statusCode, refused.body).toBe(422);
        expect(refused.json().code).toBe("PASSERELLE_BEST_INTERESTS_DECISION_REQUIRED");
      }
      // A caseworker cannot take the decision alone.
      const byCaseworker = await refer(id, { bestInterests: { grounds: "immediateProtection" } });
      expect(byCaseworker.statusCode).toBe(403);
      expect((await readAs(id)).statusCode).toBe(404);

      const decided = await refer(id, { bestInterests: { grounds: "immediateProtection" } }, "supervisor");
      expect(decided.statusCode, decided.body).toBe(201);
      expect(decided.json()).toMatchObject({
        basis: "bestInterests",
        decidedBy: fx.users.police.supervisor.id,
        decisionGrounds: "immediateProtection",
        scopes: [],
      });
      const audited = (
        await fx.app.store.audit.list({ limit: 100, targetType: "case", targetId: id })
      ).filter((e) => e.action === "case.refer" && e.outcome === "allowed");
      expect(audited[0]?.details).toMatchObject({ basis: "bestInterests", grounds: "immediateProtection" });
    });
  }

  it("a presumed child who withdrew consent is not shared on 'best interests' that nobody decided", async () => {
    const { id, revision } = await fx.openCase(CHILD);
    let r = await consent(id, revision, "referral", true);
    r = await consent(id, r, "referral", false);
    const refused = await refer(id, { agency: "GH:dsw" });
    expect(refused.statusCode).toBe(422);
    expect(refused.json()).toMatchObject({
      code: "PASSERELLE_BEST_INTERESTS_DECISION_REQUIRED",
      scopes: ["referral"],
    });
  });

  it("refuses a birth date in the future or before 1900, and stores nothing", async () => {
    const before = (await fx.app.inject({ url: "/v1/cases", headers: await fx.headers("caseworker") })).json()
      .items.length;
    const tomorrow = new Date(Date.now() + 3 * 86_400_000).toISOString().slice(0, 10);
    for (const birthDate of [tomorrow, "1899-12-31", "0001-01-01"]) {
      const res = await fx.app.inject({
        method: "POST",
        url: "/v1/cases",
        headers: await fx.headers("caseworker"),
        payload: {
          country: "ZZ",
          person: { ...ADULT, birthDate },
          identification: { date: "2026-11-02", agency: OWN, method: "outreach" },
        },
      });
      expect(res.statusCode, birthDate).toBe(400);
      expect(res.json().code).toBe("PASSERELLE_VALIDATION_FAILED");
      expect(res.body).not.toContain(birthDate);
    }
    const after = (await fx.app.inject({ url: "/v1/cases", headers: await fx.headers("caseworker") })).json()
      .items.length;
    expect(after).toBe(before);
  });
});

describe("access can be taken back", () => {
  it("the referring agency revokes a referral with a reason; the receiving agency then gets 404, like any case out of reach", async () => {
    const { id, revision } = await fx.openCase(ADULT);
    await consent(id, revision, "referral", true);
    const grant = (await refer(id, {})).json();
    expect((await readAs(id)).statusCode).toBe(200);
    expect((await readAs(id, "/person")).statusCode).toBe(200);

    // The receiving agency cannot revoke (nor refer) on the owner's behalf.
    const byReceiver = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${id}/referrals/${grant.id}/revoke`,
      headers: await fx.headers("caseworker", OTHER),
      payload: { reason: "serviceCompleted" },
    });
    expect(byReceiver.statusCode).toBe(403);
    const noReason = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${id}/referrals/${grant.id}/revoke`,
      headers: await fx.headers("caseworker"),
      payload: { reason: "because I said so" },
    });
    expect(noReason.statusCode).toBe(400);

    const revoke = async () =>
      fx.app.inject({
        method: "POST",
        url: `/v1/cases/${id}/referrals/${grant.id}/revoke`,
        headers: await fx.headers("caseworker"),
        payload: { reason: "serviceCompleted" },
      });
    const revoked = await revoke();
    expect(revoked.statusCode, revoked.body).toBe(200);
    expect(revoked.json()).toMatchObject({
      revokedBy: fx.users.police.caseworker.id,
      revokeReason: "serviceCompleted",
    });
    for (const path of ["", "/person", "/history", "/consents"]) {
      const res = await readAs(id, path);
      expect(res.statusCode, path).toBe(404);
      expect(res.json().code).toBe("PASSERELLE_CASE_NOT_FOUND");
    }
    const list = await fx.app.inject({ url: "/v1/cases", headers: await fx.headers("caseworker", OTHER) });
    expect(list.json().items.map((c: { id: string }) => c.id)).not.toContain(id);
    expect((await revoke()).json().code).toBe("PASSERELLE_REFERRAL_REVOKED");
    const missing = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${id}/referrals/999999/revoke`,
      headers: await fx.headers("caseworker"),
      payload: { reason: "serviceCompleted" },
    });
    expect(missing.json().code).toBe("PASSERELLE_REFERRAL_NOT_FOUND");
    const audit = (await fx.app.store.audit.list({ limit: 100, targetType: "case", targetId: id })).filter(
      (e) => e.action === "case.referral.revoke",
    );
    expect(audit).toMatchObject([
      { outcome: "allowed", reason: "serviceCompleted", details: { agency: `ZZ:${OTHER}` } },
    ]);
  });

  it("withdrawing the consent a referral rests on revokes it at once, through the consent route or the built-in event", async () => {
    for (const through of ["route", "event"] as const) {
      const { id, revision } = await fx.openCase(ADULT);
      let r = await consent(id, revision, "dataSharing", true);
      r = await consent(id, r, "crossBorderTransfer", true);
      expect((await refer(id, {})).statusCode).toBe(201);
      expect((await refer(id, { agency: "GH:dsw" })).statusCode).toBe(201);
      expect((await readAs(id, "/person")).statusCode).toBe(200);

      if (through === "route") {
        r = await consent(id, r, "dataSharing", false);
      } else {
        const res = await fx.app.inject({
          method: "POST",
          url: `/v1/cases/${id}/events`,
          headers: await fx.headers("caseworker"),
          payload: {
            type: "RECORD_CONSENT",
            data: { scope: "dataSharing", given: false, method: "oral" },
            expectedRevision: r,
          },
        });
        expect(res.statusCode, res.body).toBe(200);
      }
      expect((await readAs(id, "/person")).statusCode, through).toBe(404);
      expect((await readAs(id)).statusCode, through).toBe(404);
      const grants = (await readAs(id, "/referrals", OWN)).json().items;
      expect(grants.map((g: { revokedBy: string | null }) => g.revokedBy)).toEqual(["consent", "consent"]);
    }
  });

  it("withdrawing cross-border consent ends only the grants abroad", async () => {
    const { id, revision } = await fx.openCase(ADULT);
    let r = await consent(id, revision, "referral", true);
    r = await consent(id, r, "crossBorderTransfer", true);
    await refer(id, {});
    await refer(id, { agency: "GH:dsw" });
    await consent(id, r, "crossBorderTransfer", false);
    const grants = (await readAs(id, "/referrals", OWN)).json().items as {
      agencyId: string;
      revokedAt: string | null;
    }[];
    expect(grants.map((g) => [g.agencyId, g.revokedAt !== null])).toEqual([
      [`ZZ:${OTHER}`, false],
      ["GH:dsw", true],
    ]);
    expect((await readAs(id)).statusCode).toBe(200);
  });
});

describe("only the owning agency records or withdraws consent", () => {
  it("a receiving agency cannot record consent, by the route or the built-in event, and nothing changes", async () => {
    const { id, revision } = await fx.openCase(ADULT);
    await consent(id, revision, "referral", true);
    await refer(id, {});
    const current = (await readAs(id)).json().revision;
    const byRoute = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${id}/consents`,
      headers: await fx.headers("caseworker", OTHER),
      payload: { scope: "crossBorderTransfer", given: true, method: "written", expectedRevision: current },
    });
    expect(byRoute.statusCode).toBe(403);
    const byEvent = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${id}/events`,
      headers: await fx.headers("caseworker", OTHER),
      payload: {
        type: "RECORD_CONSENT",
        data: { scope: "crossBorderTransfer", given: true, method: "written" },
        expectedRevision: current,
      },
    });
    expect(byEvent.statusCode).toBe(403);
    expect((await readAs(id)).json().revision).toBe(current);
    // The cross-border referral the owner has no consent for stays refused.
    expect((await refer(id, { agency: "GH:dsw" })).json().code).toBe("PASSERELLE_CONSENT_REQUIRED");
  });
});
