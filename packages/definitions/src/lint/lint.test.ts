import { readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadPathwayFile, readSource } from "../parse.ts";
import { shippedPathwayFiles } from "../shipped.ts";
import { LINT_RULES, lintPathway, lintRaw, RAW_LINT_RULES } from "./index.ts";
import { nulCharacter } from "./rules/nul-character.ts";

const FIXTURES = fileURLToPath(new URL("../../fixtures/", import.meta.url));
const broken = readdirSync(join(FIXTURES, "broken"))
  .filter((name) => name.endsWith(".yaml"))
  .map((name) => join(FIXTURES, "broken", name));

/** Each broken fixture names the paths it must be reported at in `# expect: <path>` lines. */
function expectedPaths(file: string): string[] {
  return [...readFileSync(file, "utf8").matchAll(/^# expect: (.+)$/gm)].map((m) => m[1] as string).sort();
}

describe("lint rules on the broken fixtures", () => {
  it("has one fixture per rule", () => {
    const rules = [...LINT_RULES, ...RAW_LINT_RULES].map((r) => r.id).sort();
    expect(broken.map((file) => basename(file, ".yaml")).sort()).toEqual(rules);
  });

  for (const file of broken) {
    const rule = basename(file, ".yaml");
    it(`${rule}.yaml yields exactly ${rule}, at the expected paths`, () => {
      const expected = expectedPaths(file);
      expect(expected.length).toBeGreaterThan(0);
      if (RAW_LINT_RULES.some((r) => r.id === rule)) {
        // The schema refuses it too, and the parser explains it with the rule's message.
        const parsed = loadPathwayFile(file);
        expect(parsed.ok).toBe(false);
        const source = readSource(readFileSync(file, "utf8"), "yaml");
        if (!source.ok) throw new Error("fixture must be well-formed YAML");
        const problems = lintRaw(source.source.raw);
        expect(problems.map((p) => p.rule)).toEqual(expected.map(() => rule));
        expect(problems.map((p) => p.path).sort()).toEqual(expected);
        if (!parsed.ok)
          expect(parsed.problems.filter((p) => p.rule === rule).map((p) => p.path)).toEqual(expected);
        return;
      }
      const parsed = loadPathwayFile(file);
      if (!parsed.ok) throw new Error(`fixture must be schema-valid: ${JSON.stringify(parsed.problems)}`);
      const problems = lintPathway(parsed.pathway);
      expect(problems.map((p) => p.rule)).toEqual(expected.map(() => rule));
      expect(problems.map((p) => p.path).sort()).toEqual(expected);
      for (const problem of problems) expect(problem.message).not.toBe("");
    });
  }
});

describe("lint on valid pathways", () => {
  it("finds nothing in the minimal valid fixture", () => {
    const parsed = loadPathwayFile(join(FIXTURES, "valid", "minimal.yaml"));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    expect(lintPathway(parsed.pathway)).toEqual([]);
    expect(lintRaw(parsed.pathway)).toEqual([]);
  });

  for (const { file, pathway } of shippedPathwayFiles()) {
    it(`finds nothing in shipped ${pathway.country}@${pathway.version}`, () => {
      const problems = lintPathway(pathway).map((p) => `${file}: ${p.path}: ${p.message} [${p.rule}]`);
      expect(problems).toEqual([]);
    });
  }
});

describe("nul-character", () => {
  it("reports a NUL in a key at the key's path, and a NUL in a list item at its index", () => {
    const parsed = loadPathwayFile(join(FIXTURES, "valid", "minimal.yaml"));
    if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
    const pathway = structuredClone(parsed.pathway) as unknown as Record<string, unknown>;
    pathway.languages = ["en", "e\0n"];
    pathway.title = { en: "Pathway", "x\0": "y" };
    const problems = nulCharacter.check(pathway as never);
    expect(problems.map((p) => [p.path, p.message])).toEqual([
      ['title["x\\u0000"]', "its key holds a NUL character"],
      ["languages[1]", "holds a NUL character"],
    ]);
  });
});
