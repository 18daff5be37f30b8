import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadPathwayFile, parsePathway, readSource } from "./parse.ts";
import { formatPath, splitPath } from "./problem.ts";

const MINIMAL_FILE = fileURLToPath(new URL("../fixtures/valid/minimal.yaml", import.meta.url));
const MINIMAL = readFileSync(MINIMAL_FILE, "utf8");

const problemsOf = (text: string, format: "yaml" | "json" = "yaml") => {
  const result = parsePathway(text, { format });
  if (result.ok) throw new Error("expected problems");
  return result.problems;
};

describe("parsePathway", () => {
  it("reads YAML and JSON of the same pathway alike, applying defaults", () => {
    const yaml = loadPathwayFile(MINIMAL_FILE);
    if (!yaml.ok) throw new Error(JSON.stringify(yaml.problems));
    const json = parsePathway(JSON.stringify(yaml.pathway), { format: "json" });
    expect(json).toEqual(yaml);
    expect(yaml.pathway.calendar).toEqual({ weekend: [6, 7], holidays: [] });
    expect(yaml.pathway.events.ASSISTED?.data).toEqual({});
  });

  it("reports a YAML syntax error with its line and column", () => {
    expect(problemsOf("schemaVersion: 1\ncountry: a: b\ntitle: x\n")).toEqual([
      {
        path: "",
        message: "YAML syntax: Nested mappings are not allowed in compact mappings",
        line: 2,
        column: 10,
      },
    ]);
  });

  it("refuses duplicate keys in YAML and in JSON", () => {
    const yaml = problemsOf(MINIMAL.replace("timezone: UTC\n", "timezone: UTC\ntimezone: Africa/Accra\n"));
    expect(yaml).toEqual([expect.objectContaining({ message: "YAML syntax: Map keys must be unique" })]);
    expect(yaml[0]?.line).toBe(MINIMAL.split("\n").indexOf("timezone: UTC") + 2);
    const json = problemsOf('{\n  "country": "GH",\n  "country": "NG"\n}', "json");
    expect(json).toEqual([{ path: "", message: "YAML syntax: Map keys must be unique", line: 3, column: 3 }]);
  });

  it("reports JSON syntax errors", () => {
    expect(problemsOf('{"country": }', "json")[0]?.message).toMatch(/^JSON syntax: /);
  });

  it("reports schema problems at bracketed paths, on the line where they are", () => {
    const text = MINIMAL.replace(
      "        - target: closed.referredOut",
      "        - target: Closed.referredOut",
    );
    const problems = problemsOf(text);
    expect(problems).toEqual([
      {
        path: "states.identification.on.SCREENED[1].target",
        message: "must be a dotted state path such as screening.interview",
        line: text.split("\n").indexOf("        - target: Closed.referredOut") + 1,
        column: 11,
      },
    ]);
  });

  it("says a missing field is required, and names unknown properties", () => {
    const problems = problemsOf(MINIMAL.replace("timezone: UTC\n", "timeZone: UTC\n"));
    expect(problems.map((p) => [p.path, p.message]).sort()).toEqual([
      ["timeZone", "unknown property 'timeZone'"],
      ["timezone", "is required"],
    ]);
  });

  it("reports the problem inside the union branch the author meant, not every branch", () => {
    const text = MINIMAL.replace(
      "op: eq, value: victim }\n          record",
      "op: equals, value: victim }\n          record",
    );
    const problems = problemsOf(text);
    expect(problems.map((p) => p.path)).toEqual(["states.identification.on.SCREENED[0].guard.op"]);
    expect(problems[0]?.message).toMatch(/expected one of/);
  });

  it("explains a renamed top-level stage with the top-level-stage rule", () => {
    const problems = problemsOf(
      MINIMAL.replace("  assistance:\n", "  aftercare:\n").replace(
        "target: assistance\n",
        "target: aftercare\n",
      ),
    );
    expect(problems).toEqual([
      expect.objectContaining({
        path: "states.aftercare",
        rule: "top-level-stage",
        message: expect.stringMatching(/cannot be renamed.*identification, screening/),
      }),
    ]);
  });

  it("reads a well-formed but invalid document into raw data without validating", () => {
    const source = readSource(stringify({ states: { aftercare: {} } }), "yaml");
    expect(source.ok && source.source.raw).toEqual({ states: { aftercare: {} } });
  });
});

describe("formatPath", () => {
  it("dots identifiers, brackets indexes and other keys, and splits back", () => {
    const segments = ["states", "screening", "on", "SCREENED", 1, "target"];
    expect(formatPath(segments)).toBe("states.screening.on.SCREENED[1].target");
    expect(splitPath("states.screening.on.SCREENED[1].target")).toEqual(segments);
    expect(formatPath(["figures", "a-b", "source"])).toBe('figures["a-b"].source');
    expect(splitPath('figures["a-b"].source')).toEqual(["figures", "a-b", "source"]);
    expect(formatPath([])).toBe("");
  });
});
