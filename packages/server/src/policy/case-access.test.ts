/**
 * The access cache's bound: a grant ended elsewhere (another API instance, the CLI: no `forget` in
 * this process) stops opening the case here once the entry is `ACCESS_CACHE_MS` old. A real SQLite
 * store; the lookup's clock is the test's.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStorage } from "../storage/open-storage.ts";
import { openDatabase } from "../storage/sqlite/open.ts";
import type { Storage } from "../storage/storage.ts";
import { tempDir } from "../testing/build.ts";
import { ACCESS_CACHE_MS, CaseAccessLookup } from "./case-access.ts";
import { grantAccess } from "./case-grants.ts";

const opened: Storage[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

async function storeWithOneCase(): Promise<Storage> {
  const file = join(tempDir(), "access.db");
  const { sqlite } = openDatabase(file);
  sqlite
    .prepare(
      "INSERT INTO cases (id, country, pathway_version, stage, state, snapshot, revision, agency, created_at, updated_at) VALUES ('case_1', 'GH', 1, 'identification', '\"x\"', '{}', 1, 'police', '', '')",
    )
    .run();
  sqlite.close();
  const store = await openStorage(file, { protections: false });
  opened.push(store);
  return store;
}

describe("case access cache", () => {
  it("a grant revoked by another process stops opening the case within ACCESS_CACHE_MS", async () => {
    const store = await storeWithOneCase();
    const grant = await store.transaction((tx) =>
      grantAccess(tx.grants, {
        caseId: "case_1",
        agencyId: "GH:shelter",
        grantedAt: "2026-01-01T00:00:00.000Z",
        grantedBy: "user_1",
        basis: "consent",
        purpose: "shelter placement",
        scopes: ["referral"],
        decidedBy: null,
        decisionGrounds: null,
      }),
    );
    let now = 1_000_000;
    const lookup = new CaseAccessLookup(store.caseAccess, () => now);
    expect((await lookup.forCase("case_1"))?.grantedAgencyIds).toEqual(["GH:shelter"]);

    // Revoked through the store, as another instance would: this lookup is not told.
    await store.transaction((tx) =>
      tx.grants.revoke("case_1", grant.id, {
        at: "2026-01-02T00:00:00.000Z",
        userId: "user_2",
        reason: "serviceCompleted",
      }),
    );
    now += ACCESS_CACHE_MS - 1;
    expect(lookup.cached("case_1")?.grantedAgencyIds).toEqual(["GH:shelter"]);
    now += 1;
    expect(lookup.cached("case_1")).toBeUndefined();
    expect((await lookup.forCase("case_1"))?.grantedAgencyIds).toEqual([]);
  });
});
