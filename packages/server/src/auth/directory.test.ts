import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStorage } from "../storage/open-storage.ts";
import type { Storage } from "../storage/storage.ts";
import { tempDir } from "../testing/build.ts";
import { Authenticator } from "./authenticator.ts";
import { createAgency, createUser, disableUser, issueToken, revokeToken } from "./directory.ts";
import { generateToken } from "./token.ts";

const opened: Storage[] = [];
afterEach(async () => {
  for (const storage of opened.splice(0)) await storage.close();
});

async function storage(): Promise<Storage> {
  const s = await openStorage(join(tempDir(), "dir.db"), { protections: false });
  opened.push(s);
  return s;
}

describe("directory", () => {
  it("authenticates a token to its user, agency and role; stores only the hash", async () => {
    const store = await storage();
    const { user, token, record } = await store.transaction(async (tx) => {
      const agency = await createAgency(tx.directory, {
        country: "GH",
        code: "police-ahtu",
        name: "AHTU",
        kind: "government",
      });
      const user = await createUser(tx.directory, { agencyId: agency.id, login: "kofi", role: "caseworker" });
      return { user, ...(await issueToken(tx.directory, { userId: user.id, kind: "api", expiresAt: null })) };
    });
    expect(await new Authenticator(store.directory).authenticate(token)).toEqual({
      ok: true,
      principal: {
        userId: user.id,
        agencyId: "GH:police-ahtu",
        country: "GH",
        role: "caseworker",
        tokenId: record.id,
      },
    });
    expect(JSON.stringify(await store.directory.listTokens())).not.toContain(token);
    expect(await store.directory.principalOf(token)).toBeUndefined();
  });

  it("refuses unknown, expired, revoked tokens and tokens of disabled users", async () => {
    const store = await storage();
    const now = new Date("2026-01-01T00:00:00Z");
    const user = await store.transaction(async (tx) => {
      const agency = await createAgency(tx.directory, {
        country: "GH",
        code: "dsw",
        name: "DSW",
        kind: "government",
      });
      return createUser(tx.directory, { agencyId: agency.id, login: "ama", role: "supervisor" });
    });
    const issue = (expiresAt: Date | null) =>
      store.transaction((tx) =>
        issueToken(tx.directory, { userId: user.id, kind: "session", expiresAt }, now),
      );
    // A fresh authenticator per check: the cache would otherwise answer from the first lookup.
    const check = (token: string, at: Date) => new Authenticator(store.directory).authenticate(token, at);
    const expiring = await issue(new Date("2026-01-01T01:00:00Z"));
    expect((await check(expiring.token, now)).ok).toBe(true);
    expect(await check(expiring.token, new Date("2026-01-01T01:00:00Z"))).toMatchObject({
      ok: false,
      rejection: "expired",
    });

    const revoked = await issue(null);
    await store.transaction((tx) => revokeToken(tx.directory, revoked.record.id, now));
    expect(await check(revoked.token, now)).toMatchObject({ ok: false, rejection: "revoked" });

    expect(await check(generateToken(), now)).toEqual({ ok: false, rejection: "unknown" });

    const live = await issue(null);
    await store.transaction((tx) => disableUser(tx.directory, user.id, now));
    expect(await check(live.token, now)).toMatchObject({ ok: false, rejection: "userDisabled" });
  });

  it("a revocation reaches a cached token once the authenticator forgets, and within the cache time anyway", async () => {
    const store = await storage();
    const { token, record } = await store.transaction(async (tx) => {
      const agency = await createAgency(tx.directory, {
        country: "GH",
        code: "dsw",
        name: "DSW",
        kind: "government",
      });
      const user = await createUser(tx.directory, { agencyId: agency.id, login: "yaw", role: "caseworker" });
      return issueToken(tx.directory, { userId: user.id, kind: "api", expiresAt: null });
    });
    const here = new Authenticator(store.directory);
    const elsewhere = new Authenticator(store.directory);
    const now = new Date();
    expect((await here.authenticate(token, now)).ok).toBe(true);
    expect((await elsewhere.authenticate(token, now)).ok).toBe(true);
    await store.transaction((tx) => revokeToken(tx.directory, record.id));
    // Until told, both trust their recent lookup.
    expect(here.cached(token, now)?.ok).toBe(true);
    here.forget();
    expect(await here.authenticate(token, now)).toMatchObject({ ok: false, rejection: "revoked" });
    // The process that was not told reads again once the cache time is over.
    expect(elsewhere.cached(token, new Date(now.getTime() + 1999))?.ok).toBe(true);
    expect(await elsewhere.authenticate(token, new Date(now.getTime() + 2000))).toMatchObject({
      ok: false,
      rejection: "revoked",
    });
  });

  it("refuses duplicate logins and users of unknown agencies", async () => {
    const store = await storage();
    const agency = await store.transaction((tx) =>
      createAgency(tx.directory, { country: "NG", code: "naptip", name: "NAPTIP", kind: "government" }),
    );
    const add = (agencyId: string, login: string) =>
      store.transaction((tx) => createUser(tx.directory, { agencyId, login, role: "admin" }));
    await add(agency.id, "a");
    await expect(add(agency.id, "a")).rejects.toThrow(/taken/);
    await expect(add("NG:nope", "b")).rejects.toThrow(/no agency/);
    expect(await store.directory.countUsers()).toBe(1);
  });
});
