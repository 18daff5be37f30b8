import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser, issueToken, revokeToken } from "./directory.ts";
import { hashPassword } from "./password.ts";
import { buildProtected, type ProtectedApp } from "./testing.ts";

let fx: ProtectedApp;
beforeAll(async () => {
  fx = await buildProtected();
});
afterAll(async () => {
  await fx?.close();
});

const me = (headers: Record<string, string>) => fx.app.inject({ method: "GET", url: "/v1/auth/me", headers });

describe("authentication", () => {
  it("needs a bearer token everywhere but /health, and says why one is refused", async () => {
    expect((await fx.app.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
    expect((await fx.app.inject({ method: "HEAD", url: "/v1/pathways" })).statusCode).toBe(401);
    const missing = await fx.app.inject({ method: "GET", url: "/v1/pathways" });
    expect(missing.statusCode).toBe(401);
    expect(missing.json()).toMatchObject({ code: "PASSERELLE_UNAUTHENTICATED", reason: "missing" });
    const unknown = await me({ authorization: "Bearer psr_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" });
    expect(unknown.json()).toMatchObject({ reason: "unknown" });
  });

  it("refuses an expired token and a revoked one", async () => {
    const userId = fx.users.police.caseworker.id;
    const issue = (expiresAt: Date) =>
      fx.app.store.transaction((tx) => issueToken(tx.directory, { userId, kind: "api", expiresAt }));
    const expired = await issue(new Date(Date.now() - 1000));
    expect((await me({ authorization: `Bearer ${expired.token}` })).json()).toMatchObject({
      reason: "expired",
    });
    const live = await issue(new Date(Date.now() + 60_000));
    expect((await me({ authorization: `Bearer ${live.token}` })).statusCode).toBe(200);
    await fx.app.store.transaction((tx) => revokeToken(tx.directory, live.record.id));
    // Revoked in this process: its authenticator is told, as the admin and logout routes do.
    fx.app.authenticator.forget();
    expect((await me({ authorization: `Bearer ${live.token}` })).json()).toMatchObject({ reason: "revoked" });
  });

  it("logs in with a password, issues an expiring token, and logs out", async () => {
    const agency = (await fx.app.store.directory.getAgency("ZZ:police"))!;
    const passwordHash = await hashPassword("a long enough secret");
    await fx.app.store.transaction((tx) =>
      createUser(tx.directory, { agencyId: agency.id, login: "ama-login", role: "supervisor", passwordHash }),
    );
    const login = await fx.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      payload: { login: "ama-login", password: "a long enough secret" },
    });
    expect(login.statusCode).toBe(200);
    const { token, expiresAt, user } = login.json();
    expect(user.role).toBe("supervisor");
    expect(Date.parse(expiresAt)).toBeGreaterThan(Date.now());
    const headers = { authorization: `Bearer ${token}` };
    expect((await me(headers)).json()).toMatchObject({ role: "supervisor", agencyId: "ZZ:police" });
    expect((await fx.app.inject({ method: "POST", url: "/v1/auth/logout", headers })).statusCode).toBe(204);
    expect((await me(headers)).json()).toMatchObject({ reason: "revoked" });

    const wrong = await fx.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      payload: { login: "ama-login", password: "wrong password!" },
    });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json().code).toBe("PASSERELLE_LOGIN_FAILED");
    const nobody = await fx.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      payload: { login: "nobody", password: "whatever it is" },
    });
    expect(nobody.json().code).toBe("PASSERELLE_LOGIN_FAILED");
  });

  it("rate-limits login attempts per address", async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 12; i++) {
      const res = await fx.app.inject({
        method: "POST",
        url: "/v1/auth/login",
        remoteAddress: "203.0.113.9",
        // A different login each time: only the limit per address applies (not the one per account).
        payload: { login: `nobody-${i}`, password: "guess number one" },
      });
      statuses.push(res.statusCode);
    }
    expect(statuses.slice(0, 10).every((s) => s === 401)).toBe(true);
    expect(statuses.at(-1)).toBe(429);
  });

  it("records logins and refusals in the audit log without the login name or password", async () => {
    const entries = await fx.app.store.audit.list({ limit: 1000 });
    expect(entries.some((e) => e.action === "auth.login" && e.outcome === "allowed")).toBe(true);
    expect(
      entries.some(
        (e) => e.action === "auth.login" && e.outcome === "denied" && e.reason === "wrong-password",
      ),
    ).toBe(true);
    expect(entries.some((e) => e.outcome === "denied" && e.reason === "expired")).toBe(true);
    const text = JSON.stringify(entries);
    expect(text).not.toContain("ama-login");
    expect(text).not.toContain("a long enough secret");
  });

  it("sends security headers: strict CSP on the API, a working one on /docs, no CORS, no caching", async () => {
    const api = await fx.app.inject({
      method: "GET",
      url: "/health",
      headers: { origin: "https://evil.example" },
    });
    expect(api.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(api.headers["x-content-type-options"]).toBe("nosniff");
    expect(api.headers["cache-control"]).toBe("no-store");
    expect(api.headers["access-control-allow-origin"]).toBeUndefined();
    const docs = await fx.app.inject({ method: "GET", url: "/docs" });
    expect(docs.statusCode).toBe(200);
    expect(docs.headers["content-security-policy"]).toContain("script-src 'self'");
    expect((await fx.app.inject({ method: "GET", url: "/openapi.json" })).statusCode).toBe(200);
  });

  it("refuses a body over the limit with 413", async () => {
    const res = await fx.app.inject({
      method: "POST",
      url: "/v1/auth/login",
      headers: { "content-type": "application/json" },
      payload: JSON.stringify({ login: "x", password: "y".repeat(70 * 1024) }),
    });
    expect(res.statusCode).toBe(413);
  });
});
