/**
 * Writes go through `transaction` only: the repositories a store exposes for reads sit on a
 * `query_only` connection, so a write made there (which would bypass the group commit and its sync)
 * is refused by SQLite itself, and nothing of it reaches the file.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { GENESIS_HASH } from "../../audit/audit-entry.ts";
import { tempDir } from "../../testing/build.ts";
import { openStorage } from "../open-storage.ts";
import type { Repositories, Storage } from "../storage.ts";

const opened: Storage[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

const agency = {
  id: "GH:dsw",
  country: "GH",
  code: "dsw",
  name: "DSW",
  kind: "government" as const,
  createdAt: "2026-01-01T00:00:00.000Z",
};

/** One write per repository: each must fail outside a transaction and succeed inside one. */
const writes: Record<string, (r: Repositories) => Promise<unknown>> = {
  directory: (r) => r.directory.insertAgency(agency),
  loginThrottle: (r) => r.loginThrottle.put("user_1", { failures: 1, lockedUntil: null, knownAddresses: [] }),
  grants: (r) =>
    r.grants.insert({
      caseId: "case_1",
      agencyId: "GH:dsw",
      grantedAt: agency.createdAt,
      grantedBy: "user_1",
      basis: "consent",
      purpose: null,
      scopes: ["referral"],
      decidedBy: null,
      decisionGrounds: null,
    }),
  audit: (r) =>
    r.audit.append(() => ({
      entry: {
        seq: 1,
        at: agency.createdAt,
        actorUserId: null,
        actorAgencyId: null,
        actorRole: null,
        tokenId: null,
        action: "test.write",
        targetType: null,
        targetId: null,
        outcome: "allowed",
        reason: null,
        ip: null,
        requestId: null,
        details: null,
        prevHash: GENESIS_HASH,
        hash: "f".repeat(64),
      },
      detailsJson: null,
    })),
};

describe("the repositories outside a transaction", () => {
  for (const [area, write] of Object.entries(writes)) {
    it(`refuse a write to ${area}; the same write in a transaction commits`, async () => {
      const store = await openStorage(join(tempDir(), "read-only.db"), { protections: false });
      opened.push(store);
      // An audit append checks for its transaction before it reaches the connection.
      await expect(write(store)).rejects.toThrow(
        area === "audit" ? /inside a write transaction/ : /readonly database/,
      );
      await expect(store.transaction((tx) => write(tx))).resolves.not.toThrow();
    });
  }

  it("refuse reassigning a case", async () => {
    const store = await openStorage(join(tempDir(), "read-only.db"), { protections: false });
    opened.push(store);
    await expect(store.caseAccess.setAssignee("case_1", "user_2")).rejects.toThrow(/readonly database/);
    // No such case: the write runs and changes nothing.
    expect(await store.transaction((tx) => tx.caseAccess.setAssignee("case_1", "user_2"))).toBe(false);
  });

  it("and what was refused is not in the file", async () => {
    const store = await openStorage(join(tempDir(), "read-only.db"), { protections: false });
    opened.push(store);
    await expect(store.directory.insertAgency(agency)).rejects.toThrow(/readonly database/);
    expect(await store.directory.listAgencies()).toEqual([]);
  });
});
