import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../db/open.ts";
import { tempDir } from "../testing/build.ts";
import { CaseGrants } from "./case-grants.ts";

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

describe("CaseGrants", () => {
  it("grants once per agency, lists active grants, and keeps revoked ones on record", () => {
    const { sqlite } = openDatabase(join(tempDir(), "grants.db"));
    opened.push(sqlite);
    const grants = new CaseGrants(sqlite);
    const input = {
      caseId: "case_1",
      agencyId: "GH:shelter",
      grantedAt: "2026-01-01T00:00:00.000Z",
      grantedBy: "user_1",
      basis: "consent" as const,
      purpose: "shelter placement",
    };
    const first = grants.grant(input);
    expect(grants.grant(input).id).toBe(first.id);
    expect(grants.grantedAgencies("case_1")).toEqual(["GH:shelter"]);
    expect(grants.revoke("case_1", "GH:shelter", "2026-01-02T00:00:00.000Z")).toBe(1);
    expect(grants.grantedAgencies("case_1")).toEqual([]);
    expect(grants.list("case_1")[0]?.revokedAt).toBe("2026-01-02T00:00:00.000Z");
  });
});
