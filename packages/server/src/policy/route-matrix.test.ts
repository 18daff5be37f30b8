/**
 * The authorisation matrix, generated from the app's route table: every route × every role × a
 * case of the caller's own agency and of another agency, plus no token at all. A route added without
 * a policy stops the app from starting (and so this test); a route with a policy is checked against
 * what that policy promises.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { routePolicy } from "../auth/plugin.ts";
import { ROLES, type Role } from "../auth/roles.ts";
import { buildProtected, OTHER, OWN, type ProtectedApp, type Side } from "../auth/testing.ts";
import { ADULT } from "../testing/fixtures.ts";
import { CASE_ROLES, POLICIES } from "./policies.ts";

let fx: ProtectedApp;
const ids: Record<Side, { caseId: string; taskId: string }> = {} as never;

beforeAll(async () => {
  fx = await buildProtected();
  for (const side of [OWN, OTHER] as const) {
    const opened = await fx.openCase(ADULT, side);
    expect(opened.tasks.length, "the ZZ opening schedules a task").toBeGreaterThan(0);
    ids[side] = { caseId: opened.id, taskId: opened.tasks[0]!.id };
  }
});
afterAll(async () => {
  await fx?.close();
});

type Expected = "allowed" | 401 | 403 | 404;

/** What the policy promises for `role` of the own agency on a case of `side`. */
function expected(policyName: keyof typeof POLICIES, role: Role | null, side: Side): Expected {
  const policy = POLICIES[policyName];
  if (!policy.authenticated) return "allowed";
  if (role === null) return 401;
  const isCaseRole = (CASE_ROLES as readonly string[]).includes(role);
  const allowedRole = (policy.roles as readonly string[]).includes(role);
  if (policy.scope === "case" || policy.scope === "task") {
    if (side === OTHER || !isCaseRole) return 404;
    return allowedRole ? "allowed" : 403;
  }
  return allowedRole ? "allowed" : 403;
}

function concreteUrl(url: string, scope: string, side: Side): string {
  const target = ids[side];
  return url
    .replace(":id", scope === "task" ? target.taskId : target.caseId)
    .replace(":country", "ZZ")
    .replace(":version", "1")
    .replace("*", "index.html");
}

describe("authorisation matrix (generated from the route table)", () => {
  it("covers every route, each with a known policy", () => {
    const table = fx.app.routeTable.filter((r) => r.method !== "HEAD");
    expect(table.length).toBeGreaterThan(20);
    for (const r of table) expect(Object.keys(POLICIES)).toContain(r.policy);
    for (const path of [
      "/health",
      "/v1/cases/:id",
      "/v1/audit",
      "/v1/auth/login",
      "/v1/cases/:id/referrals",
    ]) {
      expect(table.some((r) => r.url === path)).toBe(true);
    }
  });

  it("a route without a policy cannot be registered", () => {
    expect(() => routePolicy("GET", "/v1/new-thing", {})).toThrow(/declares no valid config.policy/);
    expect(() => routePolicy("GET", "/v1/new-thing", { policy: "case:typo" })).toThrow(/declares no valid/);
    expect(routePolicy("GET", "/docs/static/index.html", undefined)).toBe("public");
  });

  it("every route answers as its policy says, for every role and agency", async () => {
    const failures: string[] = [];
    const seen = new Set<Expected>();
    let checked = 0;
    for (const route of fx.app.routeTable) {
      if (route.method === "HEAD") continue;
      const scope = POLICIES[route.policy].scope;
      for (const side of [OWN, OTHER] as const) {
        for (const role of [null, ...ROLES] as const) {
          const want = expected(route.policy, role, side);
          const res = await fx.app.inject({
            method: route.method as "GET",
            url: concreteUrl(route.url, scope, side),
            headers: role ? await fx.headers(role, OWN) : {},
            ...(route.method === "POST" ? { payload: {} } : {}),
          });
          const code = String(res.headers["content-type"] ?? "").includes("json")
            ? (res.json() as { code?: string }).code
            : undefined;
          const hidden =
            res.statusCode === 404 &&
            (code === "PASSERELLE_CASE_NOT_FOUND" || code === "PASSERELLE_TASK_NOT_FOUND");
          const ok =
            want === "allowed"
              ? res.statusCode !== 401 && res.statusCode !== 403 && !hidden
              : want === 404
                ? hidden
                : res.statusCode === want;
          checked += 1;
          seen.add(want);
          if (!ok)
            failures.push(
              `${route.method} ${route.url} as ${role ?? "anonymous"} on ${side}: want ${want}, got ${res.statusCode} ${code ?? ""}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
    expect(checked).toBeGreaterThan(200);
    expect([...seen].sort()).toEqual([401, 403, 404, "allowed"].sort());
  });
});
