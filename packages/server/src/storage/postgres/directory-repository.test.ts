/**
 * The directory (agencies, users, tokens) as a contract: the same assertions on the SQLite store and
 * on PostgreSQL, each test on a store of its own (a fresh file, a fresh database). What
 * authentication reads — a revoked token, a disabled user — must read the same on both.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateDataKey } from "../../crypto/data-key.ts";
import { Keyring } from "../../crypto/keyring.ts";
import type { AgencyRecord, NewToken, NewUser } from "../directory-repository.ts";
import { CONTRACT_STORES, type ContractStore } from "../testing-contract-stores.ts";

const T0 = "2026-03-02T09:00:00.000Z";
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const keyring = new Keyring(generateDataKey());

const agency = (country: string, code: string): AgencyRecord => ({
  id: `${country}:${code}`,
  country,
  code,
  name: `Agency ${code}`,
  kind: "government",
  createdAt: T0,
});
const user = (id: string, agencyId: string, login: string, passwordHash: string | null = null): NewUser => ({
  id,
  agencyId,
  login,
  role: "caseworker",
  passwordHash,
  createdAt: T0,
});
const token = (id: string, userId: string, tokenHash: string, extra: Partial<NewToken> = {}): NewToken => ({
  id,
  userId,
  tokenHash,
  kind: "api",
  label: null,
  createdAt: T0,
  expiresAt: null,
  ...extra,
});

describe.each(CONTRACT_STORES)("directory on $dialect", ({ open }) => {
  let store: ContractStore;
  beforeEach(async () => {
    store = await open(keyring);
    await store.transaction(async (tx) => {
      await tx.directory.insertAgency(agency("NG", "naptip"));
      await tx.directory.insertAgency(agency("GH", "police"));
      await tx.directory.insertAgency(agency("GH", "mogcsp"));
      await tx.directory.insertUser(user("user_b", "GH:police", "kofi", "scrypt$hash"));
      await tx.directory.insertUser(user("user_a", "GH:mogcsp", "ama"));
      await tx.directory.insertUser(user("user_c", "GH:police", "yaw"));
      await tx.directory.insertToken(
        token("tok_2", "user_b", "hash-2", { kind: "session", expiresAt: at(60) }),
      );
      await tx.directory.insertToken(token("tok_1", "user_b", "hash-1", { label: "cli" }));
      await tx.directory.insertToken(token("tok_3", "user_c", "hash-3"));
    });
  });
  afterEach(async () => {
    await store?.close();
  });

  it("reads agencies by id, and lists them by country, then code", async () => {
    expect(await store.reads.directory.getAgency("GH:police")).toEqual(agency("GH", "police"));
    expect(await store.reads.directory.getAgency("GH:none")).toBeUndefined();
    expect((await store.reads.directory.listAgencies()).map((a) => a.id)).toEqual([
      "GH:mogcsp",
      "GH:police",
      "NG:naptip",
    ]);
  });

  it("reads users without their password hash, which only credentialsOf answers", async () => {
    expect(await store.reads.directory.getUser("user_b")).toEqual({
      id: "user_b",
      agencyId: "GH:police",
      login: "kofi",
      role: "caseworker",
      hasPassword: true,
      createdAt: T0,
      disabledAt: null,
    });
    expect(await store.reads.directory.getUser("user_a")).toMatchObject({ hasPassword: false });
    expect(await store.reads.directory.getUser("user_none")).toBeUndefined();
    expect(await store.reads.directory.credentialsOf("kofi")).toMatchObject({
      user: { id: "user_b" },
      passwordHash: "scrypt$hash",
    });
    expect(await store.reads.directory.credentialsOf("ama")).toMatchObject({ passwordHash: null });
    expect(await store.reads.directory.credentialsOf("nobody")).toBeUndefined();
  });

  it("lists users by id, all or one agency's, and counts them", async () => {
    expect((await store.reads.directory.listUsers()).map((u) => u.id)).toEqual([
      "user_a",
      "user_b",
      "user_c",
    ]);
    expect((await store.reads.directory.listUsers("GH:police")).map((u) => u.id)).toEqual([
      "user_b",
      "user_c",
    ]);
    expect(await store.reads.directory.listUsers("NG:naptip")).toEqual([]);
    expect(await store.reads.directory.countUsers()).toBe(3);
  });

  it("refuses a second user with a taken login", async () => {
    await expect(
      store.transaction((tx) => tx.directory.insertUser(user("user_d", "GH:police", "kofi"))),
    ).rejects.toThrow();
    expect(await store.reads.directory.countUsers()).toBe(3);
  });

  it("sets a password hash, and answers false for an unknown user", async () => {
    expect(await store.transaction((tx) => tx.directory.setPasswordHash("user_a", "scrypt$new"))).toBe(true);
    expect(await store.reads.directory.credentialsOf("ama")).toMatchObject({
      user: { hasPassword: true },
      passwordHash: "scrypt$new",
    });
    expect(await store.transaction((tx) => tx.directory.setPasswordHash("user_none", "x"))).toBe(false);
  });

  it("disables a user once: the first instant stays, its tokens' principal shows it", async () => {
    expect(await store.transaction((tx) => tx.directory.disableUser("user_b", at(5)))).toBe(true);
    expect(await store.transaction((tx) => tx.directory.disableUser("user_b", at(9)))).toBe(true);
    expect(await store.transaction((tx) => tx.directory.disableUser("user_none", at(9)))).toBe(false);
    expect(await store.reads.directory.getUser("user_b")).toMatchObject({ disabledAt: at(5) });
    expect(await store.reads.directory.principalOf("hash-1")).toMatchObject({
      tokenId: "tok_1",
      disabledAt: at(5),
    });
    expect(await store.reads.directory.principalOf("hash-3")).toMatchObject({ disabledAt: null });
  });

  it("reads tokens without their hash, lists them by id, all or one user's", async () => {
    expect(await store.reads.directory.getToken("tok_2")).toEqual({
      id: "tok_2",
      userId: "user_b",
      kind: "session",
      label: null,
      createdAt: T0,
      expiresAt: at(60),
      revokedAt: null,
    });
    expect(await store.reads.directory.getToken("tok_none")).toBeUndefined();
    expect((await store.reads.directory.listTokens()).map((t) => t.id)).toEqual(["tok_1", "tok_2", "tok_3"]);
    expect((await store.reads.directory.listTokens("user_b")).map((t) => [t.id, t.label])).toEqual([
      ["tok_1", "cli"],
      ["tok_2", null],
    ]);
  });

  it("revokes a token once: the first instant stays, and its principal shows it", async () => {
    await store.transaction((tx) => tx.directory.revokeToken("tok_1", at(3)));
    await store.transaction((tx) => tx.directory.revokeToken("tok_1", at(7)));
    await store.transaction((tx) => tx.directory.revokeToken("tok_none", at(7)));
    expect(await store.reads.directory.getToken("tok_1")).toMatchObject({ revokedAt: at(3) });
    expect(await store.reads.directory.getToken("tok_2")).toMatchObject({ revokedAt: null });
    expect(await store.reads.directory.principalOf("hash-1")).toMatchObject({ revokedAt: at(3) });
  });

  it("reads a token's principal in one: token, user and agency", async () => {
    expect(await store.reads.directory.principalOf("hash-2")).toEqual({
      tokenId: "tok_2",
      expiresAt: at(60),
      revokedAt: null,
      userId: "user_b",
      role: "caseworker",
      disabledAt: null,
      agencyId: "GH:police",
      country: "GH",
    });
    expect(await store.reads.directory.principalOf("hash-none")).toBeUndefined();
  });

  it("refuses writes outside a transaction, and a failed transaction writes nothing", async () => {
    await expect(store.reads.directory.insertAgency(agency("TG", "court"))).rejects.toThrow();
    await expect(store.reads.directory.revokeToken("tok_1", at(1))).rejects.toThrow();
    await expect(
      store.transaction(async (tx) => {
        await tx.directory.insertAgency(agency("TG", "court"));
        await tx.directory.disableUser("user_a", at(1));
        throw new Error("the work failed");
      }),
    ).rejects.toThrow("the work failed");
    expect(await store.reads.directory.getAgency("TG:court")).toBeUndefined();
    expect(await store.reads.directory.getUser("user_a")).toMatchObject({ disabledAt: null });
    expect(await store.reads.directory.getToken("tok_1")).toMatchObject({ revokedAt: null });
  });
});
