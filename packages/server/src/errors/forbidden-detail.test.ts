/**
 * A refused role is told why and what to do instead, where the refusal happens: the first token a
 * newcomer holds is an admin's, and it sees no case.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { provisionToken } from "../testing/auth.ts";
import { build, type TestApp } from "../testing/build.ts";

let t: TestApp;
beforeAll(async () => {
  t = await build({ protections: true });
});
afterAll(() => t.close());

const as = (token: string) => ({ authorization: `Bearer ${token}` });

describe("403 details", () => {
  it("an admin listing cases learns that case data is need-to-know and how to get a caseworker's token", async () => {
    const admin = await provisionToken(t.file, { country: "GH", agency: "mogcsp", role: "admin" });
    const res = await t.app.inject({ url: "/v1/cases", headers: as(admin) });
    expect(res.statusCode).toBe(403);
    const problem = res.json();
    expect(problem).toMatchObject({ code: "PASSERELLE_FORBIDDEN", policy: "case:list" });
    expect(problem.detail).toMatch(/^Case data is need-to-know: only caseworkers and supervisors/);
    expect(problem.detail).toContain("an admin token sees no case");
    expect(problem.detail).toContain(
      "`npx --yes pnpm@10 passerelle users add --agency GH:mogcsp --login <login> --role caseworker`",
    );
    expect(problem.detail).toContain("`npx --yes pnpm@10 passerelle tokens create --login <login>`");
  });

  it("other refusals say what the route protects and who may use it", async () => {
    const caseworker = await provisionToken(t.file, { country: "GH", agency: "mogcsp", role: "caseworker" });
    const res = await t.app.inject({ url: "/v1/audit", headers: as(caseworker) });
    expect(res.statusCode).toBe(403);
    expect(res.json().detail).toMatch(/: allowed to auditor, not to a caseworker token\.$/);
  });
});
