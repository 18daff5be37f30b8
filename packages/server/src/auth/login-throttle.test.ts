import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStorage } from "../storage/open-storage.ts";
import { tempDir } from "../testing/build.ts";
import { createUser } from "./directory.ts";
import { FREE_FAILURES, loginFailed, loginGate, MAX_LOCK_MS } from "./login-throttle.ts";
import { hashPassword } from "./password.ts";
import { buildProtected, type ProtectedApp } from "./testing.ts";

describe("login throttle", () => {
  it("locks after the free failures, doubling to a cap; attempts while locked do not extend it", async () => {
    const store = await openStorage(join(tempDir(), "throttle.db"), { protections: false });
    const failed = (at: Date) => store.transaction((tx) => loginFailed(tx.loginThrottle, "u1", at));
    const gate = (at: Date) => loginGate(store.loginThrottle, "u1", "10.0.0.9", at);
    let now = new Date("2026-12-01T08:00:00Z");
    for (let i = 0; i < FREE_FAILURES - 1; i++) await failed(now);
    expect(await gate(now)).toEqual({ open: true });
    await failed(now);
    expect(await gate(now)).toEqual({ open: false, retryAfterSeconds: 60 });
    // Checking the gate while locked changes nothing; the lock ends on time.
    for (let i = 0; i < 100; i++) await gate(now);
    now = new Date(now.getTime() + 60_000);
    expect((await gate(now)).open).toBe(true);
    for (let i = 0; i < 20; i++) await failed(now);
    expect(await gate(now)).toEqual({ open: false, retryAfterSeconds: MAX_LOCK_MS / 1000 });
    await store.close();
  });
});

let fx: ProtectedApp;
beforeAll(async () => {
  fx = await buildProtected({ trustProxy: ["127.0.0.1"] });
  const passwordHash = await hashPassword("the right secret");
  await fx.app.store.transaction((tx) =>
    createUser(tx.directory, { agencyId: "ZZ:police", login: "kofi", role: "caseworker", passwordHash }),
  );
});
afterAll(async () => {
  await fx?.close();
});

const login = (password: string, from: string, name = "kofi") =>
  fx.app.inject({
    method: "POST",
    url: "/v1/auth/login",
    payload: { login: name, password },
    headers: { "x-forwarded-for": from },
  });

describe("login limits per account", () => {
  it("40 wrong passwords from four addresses, then the right one from a fifth: refused; the caseworker's usual address still gets in", async () => {
    expect((await login("the right secret", "192.0.2.10")).statusCode).toBe(200);
    for (const from of ["198.51.100.1", "198.51.100.2", "198.51.100.3", "198.51.100.4"])
      for (let i = 0; i < 10; i++) {
        const res = await login(`guess ${i}`, from);
        expect([401, 423]).toContain(res.statusCode);
      }
    const attacker = await login("the right secret", "198.51.100.5");
    expect(attacker.statusCode).toBe(423);
    expect(attacker.json().code).toBe("PASSERELLE_LOGIN_LOCKED");
    expect(Number(attacker.headers["retry-after"])).toBeGreaterThan(0);
    // The lock cannot be used to shut out the caseworker at their usual desk.
    expect((await login("the right secret", "192.0.2.10")).statusCode).toBe(200);
  });

  it("an unknown login is throttled alike, so a lock does not reveal which logins exist", async () => {
    let last = 0;
    for (let i = 0; i < FREE_FAILURES + 1; i++)
      last = (await login("x", `203.0.113.${i}`, "nobody-here")).statusCode;
    expect(last).toBe(423);
  });

  it("with TRUST_PROXY, the client address comes from X-Forwarded-For (limits per client, not per proxy)", async () => {
    const res = await fx.app.inject({
      url: "/v1/auth/me",
      headers: { ...(await fx.headers("caseworker")), "x-forwarded-for": "192.0.2.77" },
    });
    expect(res.statusCode).toBe(200);
    const entry = (await fx.app.store.audit.list({ limit: 10_000 })).at(-1);
    expect(entry?.ip).toBe("192.0.2.77");
  });
});
