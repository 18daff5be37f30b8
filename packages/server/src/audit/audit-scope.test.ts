import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createAgency, createUser, issueToken } from "../auth/directory.ts";
import { buildProtected, type ProtectedApp } from "../auth/testing.ts";
import { ADULT } from "../testing/fixtures.ts";

let fx: ProtectedApp;
beforeAll(async () => {
  fx = await buildProtected();
});
afterAll(async () => {
  await fx?.close();
});

async function auditorOf(country: string) {
  const agencyId = `${country}:audit`;
  const { token } = await fx.app.store.transaction(async (tx) => {
    if (!(await tx.directory.getAgency(agencyId)))
      await createAgency(tx.directory, { country, code: "audit", name: "audit", kind: "government" });
    const login = `auditor-${country}-${Math.random()}`;
    const user = await createUser(tx.directory, { agencyId, login, role: "auditor" });
    return issueToken(tx.directory, { userId: user.id, kind: "api", expiresAt: null });
  });
  return { authorization: `Bearer ${token}` };
}

describe("audit reads are scoped to the auditor's country", () => {
  it("an auditor of another country sees none of this country's entries, by page or by case", async () => {
    const { id } = await fx.openCase(ADULT);
    await fx.app.inject({ url: `/v1/cases/${id}`, headers: await fx.headers("caseworker") });
    const ghana = await auditorOf("GH");
    // Something of Ghana's own happens: its auditor reads the log (itself an audited action).
    const all = await fx.app.inject({ url: "/v1/audit?limit=1000", headers: ghana });
    expect(all.statusCode).toBe(200);
    const items = all.json().items as { targetId: string | null; actorAgencyId: string | null }[];
    expect(items.some((e) => e.targetId === id)).toBe(false);
    expect(items.every((e) => e.actorAgencyId?.startsWith("GH:"))).toBe(true);
    const byCase = await fx.app.inject({ url: `/v1/audit?caseId=${id}`, headers: ghana });
    expect(byCase.json().items).toEqual([]);

    const own = await fx.app.inject({ url: `/v1/audit?caseId=${id}`, headers: await fx.headers("auditor") });
    const actions = own.json().items.map((e: { action: string }) => e.action);
    expect(actions).toEqual(expect.arrayContaining(["case.create", "case.read"]));
  });
});
