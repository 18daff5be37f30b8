import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProtected, type ProtectedApp } from "../auth/testing.ts";
import { ADULT } from "../testing/fixtures.ts";

let fx: ProtectedApp;
beforeAll(async () => {
  fx = await buildProtected();
});
afterAll(async () => {
  await fx?.close();
});

function auditorOf(country: string) {
  const d = fx.app.directory;
  const agencyId = `${country}:audit`;
  if (!d.getAgency(agencyId)) d.createAgency({ country, code: "audit", name: "audit", kind: "government" });
  const user = d.createUser({ agencyId, login: `auditor-${country}-${Math.random()}`, role: "auditor" });
  return { authorization: `Bearer ${d.issueToken({ userId: user.id, kind: "api", expiresAt: null }).token}` };
}

describe("audit reads are scoped to the auditor's country", () => {
  it("an auditor of another country sees none of this country's entries, by page or by case", async () => {
    const { id } = await fx.openCase(ADULT);
    await fx.app.inject({ url: `/v1/cases/${id}`, headers: fx.headers("caseworker") });
    const ghana = auditorOf("GH");
    // Something of Ghana's own happens: its auditor reads the log (itself an audited action).
    const all = await fx.app.inject({ url: "/v1/audit?limit=1000", headers: ghana });
    expect(all.statusCode).toBe(200);
    const items = all.json().items as { targetId: string | null; actorAgencyId: string | null }[];
    expect(items.some((e) => e.targetId === id)).toBe(false);
    expect(items.every((e) => e.actorAgencyId?.startsWith("GH:"))).toBe(true);
    const byCase = await fx.app.inject({ url: `/v1/audit?caseId=${id}`, headers: ghana });
    expect(byCase.json().items).toEqual([]);

    const own = await fx.app.inject({ url: `/v1/audit?caseId=${id}`, headers: fx.headers("auditor") });
    const actions = own.json().items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["case.create", "case.read"]));
  });
});
