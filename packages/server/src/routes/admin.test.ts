import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueToken } from "../auth/directory.ts";
import type { Role } from "../auth/roles.ts";
import { buildProtected, type ProtectedApp } from "../auth/testing.ts";

let fx: ProtectedApp;
beforeAll(async () => {
  fx = await buildProtected();
});
afterAll(async () => {
  await fx?.close();
});

const PASSWORD = "a long enough admin-set secret";

const call = async (method: "GET" | "POST", url: string, role: Role = "admin", payload?: object) =>
  fx.app.inject({ method, url, headers: await fx.headers(role), ...(payload && { payload }) });
const me = (token: string) =>
  fx.app.inject({ method: "GET", url: "/v1/auth/me", headers: { authorization: `Bearer ${token}` } });
const lastSeq = async () => (await fx.app.store.audit.list({ limit: 1_000_000 })).at(-1)?.seq ?? 0;
const entriesAfter = (seq: number) => fx.app.store.audit.list({ afterSeq: seq, limit: 1000 });
/** The audit entries of writes (not the per-request access entries, named `METHOD /route`, nor logins). */
const writesAfter = async (seq: number) =>
  (await entriesAfter(seq)).filter((e) => !e.action.includes(" ") && e.action !== "auth.login");

describe("admin API", () => {
  it("an admin registers an agency of a pathway, with one audit entry", async () => {
    const before = await lastSeq();
    const res = await call("POST", "/v1/admin/agencies", "admin", {
      country: "GH",
      code: "mogcsp",
      name: "Ministry of Gender",
      kind: "government",
    });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ id: "GH:mogcsp", kind: "government" });
    const listed = await call("GET", "/v1/admin/agencies");
    expect(listed.json().items.map((a: { id: string }) => a.id)).toContain("GH:mogcsp");
    const written = await writesAfter(before);
    expect(written.map((e) => [e.action, e.targetId, e.actorRole])).toEqual([
      ["agencies.add", "GH:mogcsp", "admin"],
    ]);
    const again = await call("POST", "/v1/admin/agencies", "admin", {
      country: "GH",
      code: "mogcsp",
      name: "x",
      kind: "government",
    });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe("PASSERELLE_ALREADY_EXISTS");
  });

  it("refuses an agency code the pathway does not name, listing the valid ones, and stores nothing", async () => {
    const before = await lastSeq();
    const count = (await fx.app.store.directory.listAgencies()).length;
    const res = await call("POST", "/v1/admin/agencies", "admin", {
      country: "ZZ",
      code: "polcie",
      name: "Typo",
      kind: "government",
    });
    expect(res.statusCode).toBe(422);
    expect(res.json()).toMatchObject({
      code: "PASSERELLE_AGENCY_NOT_IN_PATHWAY",
      agencies: ["police", "shelter-ngo", "welfare"],
    });
    expect(res.json().detail).toContain("police, shelter-ngo, welfare");
    const noCountry = await call("POST", "/v1/admin/agencies", "admin", {
      country: "QQ",
      code: "police",
      name: "Nowhere",
      kind: "government",
    });
    expect(noCountry.statusCode).toBe(422);
    expect(noCountry.json().countries).toContain("ZZ");
    expect((await fx.app.store.directory.listAgencies()).length).toBe(count);
    expect(await writesAfter(before)).toEqual([]);
  });

  it("an admin creates a user with a password who can log in; a disabled user's token stops working", async () => {
    const before = await lastSeq();
    const created = await call("POST", "/v1/admin/users", "admin", {
      agencyId: "ZZ:police",
      login: "kofi-new-caseworker",
      role: "caseworker",
      password: PASSWORD,
    });
    expect(created.statusCode).toBe(201);
    const user = created.json();
    expect(user).toMatchObject({
      agencyId: "ZZ:police",
      role: "caseworker",
      hasPassword: true,
      disabledAt: null,
    });
    expect(created.body).not.toContain(PASSWORD);
    expect(
      JSON.stringify((await fx.app.store.directory.credentialsOf("kofi-new-caseworker"))?.passwordHash),
    ).toMatch(/^"scrypt\$/);

    const listed = await call("GET", "/v1/admin/users?agency=ZZ:police");
    expect(listed.json().items.map((u: { id: string }) => u.id)).toContain(user.id);
    const elsewhere = await call("GET", "/v1/admin/users?agency=ZZ:welfare");
    expect(elsewhere.json().items.map((u: { id: string }) => u.id)).not.toContain(user.id);

    const login = await fx.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      payload: { login: "kofi-new-caseworker", password: PASSWORD },
    });
    expect(login.statusCode).toBe(200);
    const session = login.json().token as string;
    expect((await me(session)).json()).toMatchObject({ userId: user.id, role: "caseworker" });

    const disabled = await call("POST", `/v1/admin/users/${user.id}/disable`);
    expect(disabled.statusCode).toBe(200);
    expect(disabled.json().disabledAt).not.toBeNull();
    const refused = await me(session);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().reason).toBe("userDisabled");

    const written = await writesAfter(before);
    expect(written.map((e) => [e.action, e.targetId])).toEqual([
      ["users.add", user.id],
      ["users.disable", user.id],
    ]);
    for (const e of await entriesAfter(before)) {
      expect(JSON.stringify(e)).not.toContain("kofi-new-caseworker");
      expect(JSON.stringify(e)).not.toContain(PASSWORD);
    }
  });

  it("refuses a short password, an unregistered agency and a taken login, storing nothing", async () => {
    const before = await lastSeq();
    const count = await fx.app.store.directory.countUsers();
    const short = await call("POST", "/v1/admin/users", "admin", {
      agencyId: "ZZ:police",
      login: "short-pw",
      role: "caseworker",
      password: "short",
    });
    expect(short.statusCode).toBe(400);
    const noAgency = await call("POST", "/v1/admin/users", "admin", {
      agencyId: "ZZ:nowhere",
      login: "no-agency",
      role: "caseworker",
    });
    expect(noAgency.statusCode).toBe(422);
    expect(noAgency.json().code).toBe("PASSERELLE_AGENCY_NOT_REGISTERED");
    const taken = await call("POST", "/v1/admin/users", "admin", {
      agencyId: "ZZ:police",
      login: "caseworker-police",
      role: "admin",
    });
    expect(taken.statusCode).toBe(409);
    expect(taken.body).not.toContain("caseworker-police");
    expect(await fx.app.store.directory.countUsers()).toBe(count);
    expect(await writesAfter(before)).toEqual([]);
  });

  it("refuses a NUL character in a name, a login or a login attempt with 400, storing nothing, on either store", async () => {
    // PostgreSQL text cannot hold a NUL: before the body check these answered 500 there.
    const before = await lastSeq();
    const count = await fx.app.store.directory.countUsers();
    const agencies = await fx.app.store.directory.listAgencies();
    const refused = [
      await call("POST", "/v1/admin/agencies", "admin", {
        country: "GH",
        code: "gis",
        name: "Immigration\u0000Service",
        kind: "government",
      }),
      await call("POST", "/v1/admin/users", "admin", {
        agencyId: "ZZ:police",
        login: "nul\u0000login",
        role: "caseworker",
        password: PASSWORD,
      }),
      await fx.app.inject({
        method: "POST",
        url: "/v1/auth/login",
        payload: { login: "nul\u0000login", password: PASSWORD },
      }),
    ];
    for (const res of refused) {
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({
        code: "PASSERELLE_VALIDATION_FAILED",
        detail: "The body holds a NUL character",
      });
    }
    expect(await fx.app.store.directory.countUsers()).toBe(count);
    expect(await fx.app.store.directory.listAgencies()).toEqual(agencies);
    expect(await writesAfter(before)).toEqual([]);
  });

  it("an admin cannot disable their own account", async () => {
    const own = await call("POST", `/v1/admin/users/${fx.users.police.admin.id}/disable`);
    expect(own.statusCode).toBe(409);
    expect(own.json().code).toBe("PASSERELLE_OWN_ACCOUNT");
    expect((await fx.app.store.directory.getUser(fx.users.police.admin.id))?.disabledAt).toBeNull();
    const unknown = await call("POST", "/v1/admin/users/user_nope/disable");
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("PASSERELLE_USER_NOT_FOUND");
  });

  it("issues a token shown once, lists it without its secret, and revokes it", async () => {
    const before = await lastSeq();
    const userId = fx.users.welfare.caseworker.id;
    const issued = await call("POST", `/v1/admin/users/${userId}/tokens`, "admin", { days: 30 });
    expect(issued.statusCode).toBe(201);
    expect(issued.headers["cache-control"]).toBe("no-store");
    const { token, tokenId, expiresAt } = issued.json();
    expect(Date.parse(expiresAt) - Date.now()).toBeGreaterThan(29 * 86_400_000);
    expect((await me(token)).json()).toMatchObject({ userId, tokenId });

    const listed = await call("GET", `/v1/admin/users/${userId}/tokens`);
    expect(listed.json().items.map((t: { id: string }) => t.id)).toContain(tokenId);
    expect(listed.body).not.toContain(token);

    const revoked = await call("POST", `/v1/admin/tokens/${tokenId}/revoke`);
    expect(revoked.statusCode).toBe(200);
    expect(revoked.json().revokedAt).not.toBeNull();
    const refused = await me(token);
    expect(refused.statusCode).toBe(401);
    expect(refused.json().reason).toBe("revoked");

    const written = await writesAfter(before);
    expect(written.map((e) => [e.action, e.targetId])).toEqual([
      ["tokens.issue", tokenId],
      ["tokens.revoke", tokenId],
    ]);
    for (const e of await entriesAfter(before)) expect(JSON.stringify(e)).not.toContain(token);

    for (const days of [0, 366, 1.5]) {
      expect((await call("POST", `/v1/admin/users/${userId}/tokens`, "admin", { days })).statusCode).toBe(
        400,
      );
    }
    expect((await call("POST", "/v1/admin/tokens/tok_nope/revoke")).json().code).toBe(
      "PASSERELLE_TOKEN_NOT_FOUND",
    );
  });

  it("refuses every other role on every admin route, changing nothing", async () => {
    const userId = fx.users.police.caseworker.id;
    const tokenId = (
      await fx.app.store.transaction((tx) =>
        issueToken(tx.directory, { userId, kind: "api", expiresAt: null }),
      )
    ).record.id;
    const before = await lastSeq();
    const agencies = (await fx.app.store.directory.listAgencies()).length;
    const users = await fx.app.store.directory.countUsers();
    const routes: [method: "GET" | "POST", url: string, body?: object][] = [
      ["GET", "/v1/admin/agencies"],
      ["POST", "/v1/admin/agencies", { country: "GH", code: "gis", name: "x", kind: "government" }],
      ["GET", "/v1/admin/users"],
      [
        "POST",
        "/v1/admin/users",
        { agencyId: "ZZ:police", login: "sneaky", role: "admin", password: PASSWORD },
      ],
      ["POST", `/v1/admin/users/${userId}/disable`],
      ["GET", `/v1/admin/users/${userId}/tokens`],
      ["POST", `/v1/admin/users/${userId}/tokens`, { days: 30 }],
      ["POST", `/v1/admin/tokens/${tokenId}/revoke`],
    ];
    for (const role of ["caseworker", "supervisor", "committee", "auditor"] as const) {
      for (const [method, url, body] of routes) {
        const res = await call(method, url, role, body);
        expect(res.statusCode, `${role} ${method} ${url}`).toBe(403);
      }
    }
    expect((await fx.app.store.directory.listAgencies()).length).toBe(agencies);
    expect(await fx.app.store.directory.countUsers()).toBe(users);
    expect((await fx.app.store.directory.getUser(userId))?.disabledAt).toBeNull();
    expect((await fx.app.store.directory.getToken(tokenId))?.revokedAt).toBeNull();
    expect(await writesAfter(before)).toEqual([]);
    expect((await entriesAfter(before)).every((e) => e.outcome === "denied")).toBe(true);
  });
});
