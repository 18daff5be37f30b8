import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStorage } from "../storage/open-storage.ts";
import { openDatabase } from "../storage/sqlite/open.ts";
import type { Storage } from "../storage/storage.ts";
import { tempDir } from "../testing/build.ts";
import { grantAccess } from "./case-grants.ts";

const opened: Storage[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

const input = {
  caseId: "case_1",
  agencyId: "GH:shelter",
  grantedAt: "2026-01-01T00:00:00.000Z",
  grantedBy: "user_1",
  basis: "consent" as const,
  purpose: "shelter placement",
  scopes: ["referral" as const],
  decidedBy: null,
  decisionGrounds: null,
};

/** A store whose file holds one GH case, `case_1`. */
async function open(): Promise<Storage> {
  const file = join(tempDir(), "grants.db");
  const { sqlite } = openDatabase(file);
  sqlite
    .prepare(
      "INSERT INTO cases (id, country, pathway_version, stage, state, snapshot, revision, created_at, updated_at) VALUES ('case_1', 'GH', 1, 'identification', '\"x\"', '{}', 1, '', '')",
    )
    .run();
  sqlite.close();
  const store = await openStorage(file, { protections: false });
  opened.push(store);
  return store;
}

describe("case grants", () => {
  it("grants once per agency, revokes once with who and why, and keeps revoked ones on record", async () => {
    const store = await open();
    const first = await store.transaction((tx) => grantAccess(tx.grants, input));
    expect((await store.transaction((tx) => grantAccess(tx.grants, input))).id).toBe(first.id);
    const at = "2026-01-02T00:00:00.000Z";
    const revoke = () =>
      store.transaction((tx) =>
        tx.grants.revoke("case_1", first.id, { at, userId: "user_2", reason: "serviceCompleted" }),
      );
    expect(await revoke()).toMatchObject({
      revokedAt: at,
      revokedBy: "user_2",
      revokeReason: "serviceCompleted",
    });
    expect(await revoke()).toBeUndefined();
    // Another case's id does not reach this grant.
    expect(await store.grants.get("case_2", first.id)).toBeUndefined();
    expect(await store.grants.list("case_1")).toHaveLength(1);
  });

  it("a consent withdrawal ends consent grants (all, or those abroad) and never a best-interests one", async () => {
    const store = await open();
    const [home, abroad, child] = await store.transaction(async (tx) => [
      await grantAccess(tx.grants, input),
      await grantAccess(tx.grants, {
        ...input,
        agencyId: "NG:naptip",
        scopes: ["referral", "crossBorderTransfer"],
      }),
      await grantAccess(tx.grants, {
        ...input,
        agencyId: "GH:dsw",
        basis: "bestInterests",
        scopes: [],
        decidedBy: "user_9",
        decisionGrounds: "immediateProtection",
      }),
    ]);
    const withdraw = (at: string, which: "all" | "abroad") =>
      store.transaction((tx) => tx.grants.revokeConsentBased("case_1", at, which));
    expect(await withdraw("2026-01-03T00:00:00.000Z", "abroad")).toBe(1);
    expect(await store.grants.get("case_1", abroad!.id)).toMatchObject({
      revokedBy: "consent",
      revokeReason: "consentWithdrawn",
    });
    expect((await store.grants.get("case_1", home!.id))?.revokedAt).toBeNull();
    expect(await withdraw("2026-01-04T00:00:00.000Z", "all")).toBe(1);
    expect((await store.grants.get("case_1", home!.id))?.revokedAt).toBe("2026-01-04T00:00:00.000Z");
    expect((await store.grants.get("case_1", child!.id))?.revokedAt).toBeNull();
  });
});
