import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../storage/sqlite/open.ts";
import { tempDir } from "../testing/build.ts";
import { CaseGrants, consentRevocation } from "./case-grants.ts";

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
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

function open() {
  const { sqlite } = openDatabase(join(tempDir(), "grants.db"));
  opened.push(sqlite);
  return sqlite;
}

describe("CaseGrants", () => {
  it("grants once per agency, revokes once with who and why, and keeps revoked ones on record", () => {
    const grants = new CaseGrants(open());
    const first = grants.grant(input);
    expect(grants.grant(input).id).toBe(first.id);
    const at = "2026-01-02T00:00:00.000Z";
    expect(
      grants.revoke("case_1", first.id, { at, userId: "user_2", reason: "serviceCompleted" }),
    ).toMatchObject({
      revokedAt: at,
      revokedBy: "user_2",
      revokeReason: "serviceCompleted",
    });
    expect(
      grants.revoke("case_1", first.id, { at, userId: "user_2", reason: "serviceCompleted" }),
    ).toBeUndefined();
    // Another case's id does not reach this grant.
    expect(grants.get("case_2", first.id)).toBeUndefined();
    expect(grants.list("case_1")).toHaveLength(1);
  });

  it("a consent withdrawal ends consent grants (all, or those abroad) and never a best-interests one", () => {
    const sqlite = open();
    sqlite
      .prepare(
        "INSERT INTO cases (id, country, pathway_version, stage, state, snapshot, revision, created_at, updated_at) VALUES ('case_1', 'GH', 1, 'identification', '\"x\"', '{}', 1, '', '')",
      )
      .run();
    const grants = new CaseGrants(sqlite);
    const home = grants.grant(input);
    const abroad = grants.grant({
      ...input,
      agencyId: "NG:naptip",
      scopes: ["referral", "crossBorderTransfer"],
    });
    const child = grants.grant({
      ...input,
      agencyId: "GH:dsw",
      basis: "bestInterests",
      scopes: [],
      decidedBy: "user_9",
      decisionGrounds: "immediateProtection",
    });
    const revoke = consentRevocation(sqlite);
    expect(revoke.abroad("case_1", "2026-01-03T00:00:00.000Z")).toBe(1);
    expect(grants.get("case_1", abroad.id)).toMatchObject({
      revokedBy: "consent",
      revokeReason: "consentWithdrawn",
    });
    expect(grants.get("case_1", home.id)?.revokedAt).toBeNull();
    expect(revoke.all("case_1", "2026-01-04T00:00:00.000Z")).toBe(1);
    expect(grants.get("case_1", home.id)?.revokedAt).toBe("2026-01-04T00:00:00.000Z");
    expect(grants.get("case_1", child.id)?.revokedAt).toBeNull();
  });
});
