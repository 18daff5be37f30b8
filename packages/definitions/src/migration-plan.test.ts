import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseMigrationPlan, shippedMigrationPlans } from "./migration-plan.ts";

const PLAN = "country: ZZ\nfrom: 1\nto: 2\nstates:\n  identification.intake: identification.intake\n";

describe("migration plan schema", () => {
  it("accepts a plan with plain and conditional targets", () => {
    const result = parseMigrationPlan(
      `${PLAN}  shelter.stay:\n    - { to: shelter.a, when: { field: facts.shelter, op: eq, value: a } }\n    - { to: shelter.b }\n`,
    );
    expect(result.ok).toBe(true);
  });

  it("refuses a plan backwards, an unknown key and a bad condition, with paths and lines", () => {
    const result = parseMigrationPlan(
      "country: ZZ\nfrom: 2\nto: 1\nextra: 1\nstates:\n  a.b:\n    - { to: c, when: { field: nowhere, op: eq, value: 1 } }\n",
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      // to < 2 and to ≤ from are both reported at `to`
      expect(result.problems.map((p) => `${p.path}@${p.line}`).sort()).toEqual([
        "@1",
        'states["a.b"][0].when.field@7',
        "to@3",
        "to@3",
      ]);
  });
});

describe("shipped migration plans", () => {
  const dirWith = (path: string, text: string) => {
    const dir = mkdtempSync(join(tmpdir(), "passerelle-plans-"));
    mkdirSync(join(dir, path, ".."), { recursive: true });
    writeFileSync(join(dir, path), text);
    return dir;
  };

  it("lists <COUNTRY>/migrations/<from>-to-<to>.yaml", () => {
    expect(
      shippedMigrationPlans(dirWith("ZZ/migrations/1-to-2.yaml", PLAN)).map((p) => p.plan.country),
    ).toEqual(["ZZ"]);
  });

  it("refuses a plan whose path does not say what it holds", () => {
    expect(() => shippedMigrationPlans(dirWith("ZZ/migrations/1-to-3.yaml", PLAN))).toThrow(
      /its path must be ZZ\/migrations\/1-to-2\.yaml/,
    );
  });
});
