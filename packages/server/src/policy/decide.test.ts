import { describe, expect, it } from "vitest";
import type { Principal, Role } from "../auth/roles.ts";
import { decide } from "./decide.ts";
import { POLICIES } from "./policies.ts";

const who = (role: Role, agencyId = "a1"): Principal => ({
  userId: "u",
  agencyId,
  country: "GH",
  role,
  tokenId: "t",
});
const own = { ownerAgencyId: "a1", grantedAgencyIds: [] };
const referredToA2 = { ownerAgencyId: "a1", grantedAgencyIds: ["a2"] };

describe("need-to-know decisions (hand-written expectations, independent of the table)", () => {
  it("a caseworker reads own-agency and referred cases; another agency's case is invisible (404)", () => {
    expect(decide(who("caseworker"), "case:read", own)).toEqual({ allow: true, relation: "owner" });
    expect(decide(who("caseworker", "a2"), "case:read", referredToA2)).toEqual({
      allow: true,
      relation: "referred",
    });
    expect(decide(who("caseworker", "a3"), "case:read", referredToA2)).toMatchObject({
      allow: false,
      status: 404,
    });
  });

  it("nobody but case roles sees a case, not even admin (404, existence not revealed)", () => {
    for (const role of ["committee", "auditor", "admin"] as const) {
      expect(decide(who(role), "case:read", own)).toMatchObject({ allow: false, status: 404 });
    }
  });

  it("a caseworker may not reassign a visible case (403); a supervisor of the owner may", () => {
    expect(decide(who("caseworker"), "case:reassign", own)).toMatchObject({ allow: false, status: 403 });
    expect(decide(who("supervisor"), "case:reassign", own)).toMatchObject({ allow: true });
    expect(decide(who("supervisor", "a2"), "case:reassign", referredToA2)).toMatchObject({
      allow: false,
      status: 403,
    });
  });

  it("a referred agency cannot refer onward; the owner can", () => {
    expect(decide(who("caseworker", "a2"), "case:refer", referredToA2)).toMatchObject({ status: 403 });
    expect(decide(who("caseworker"), "case:refer", referredToA2)).toMatchObject({ allow: true });
  });

  it("a missing case is 404 for everyone authenticated, 401 without a token", () => {
    expect(decide(who("supervisor"), "case:read", undefined)).toMatchObject({ status: 404 });
    expect(decide(undefined, "case:read", own)).toMatchObject({ status: 401 });
  });

  it("the audit log is for auditors only; user management for admins only; pathways for the committee", () => {
    expect(decide(who("auditor"), "audit:read")).toEqual({ allow: true });
    expect(decide(who("admin"), "audit:read")).toMatchObject({ status: 403 });
    expect(decide(who("admin"), "admin:manage")).toEqual({ allow: true });
    expect(decide(who("supervisor"), "admin:manage")).toMatchObject({ status: 403 });
    expect(decide(who("committee"), "pathway:manage")).toEqual({ allow: true });
    expect(decide(who("caseworker"), "pathway:manage")).toMatchObject({ status: 403 });
    expect(decide(who("committee"), "case:list")).toMatchObject({ status: 403 });
  });

  it("public policies need no token", () => {
    expect(decide(undefined, "public")).toEqual({ allow: true });
    expect(decide(undefined, "auth:login")).toEqual({ allow: true });
  });

  it("every case-scoped policy is limited to case roles", () => {
    for (const [name, policy] of Object.entries(POLICIES)) {
      if (policy.scope === "none") continue;
      for (const role of policy.roles) expect(["caseworker", "supervisor"], name).toContain(role);
    }
  });
});
