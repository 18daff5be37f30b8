import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv } from "ajv";
import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { describe, expect, it } from "vitest";
import { companionJsonSchemaTexts, pathwayJsonSchema, pathwayJsonSchemaText } from "./json-schema.ts";
import { readSource } from "./parse.ts";
import { listShippedPathwayFiles } from "./shipped.ts";

const SCHEMA_FILE = fileURLToPath(new URL("../pathway.schema.json", import.meta.url));
const MINIMAL = fileURLToPath(new URL("../fixtures/valid/minimal.yaml", import.meta.url));

function rawOf(file: string): unknown {
  const source = readSource(readFileSync(file, "utf8"), "yaml");
  if (!source.ok) throw new Error(`${file}: ${JSON.stringify(source.problems)}`);
  return source.source.raw;
}

// strict: an unknown keyword or a schema ajv cannot compile is an error, not a silent pass.
const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
addFormats.default(ajv);
const validate = ajv.compile(pathwayJsonSchema());

describe("pathway.schema.json", () => {
  it("is up to date with the zod schema (else run: pnpm --filter @passerelle/definitions build:schema)", () => {
    expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(pathwayJsonSchemaText());
  });

  it("names the recursive states and conditions as $defs", () => {
    const defs = (pathwayJsonSchema().$defs ?? {}) as Record<string, unknown>;
    expect(Object.keys(defs)).toEqual(
      expect.arrayContaining(["StateNode", "Condition", "Transition", "LocalizedText"]),
    );
    expect(JSON.stringify(defs.StateNode)).toContain('"$ref":"#/$defs/StateNode"');
  });

  it("accepts the minimal fixture and every shipped pathway, as zod does", () => {
    const files = [MINIMAL, ...listShippedPathwayFiles()];
    for (const file of files) {
      const ok = validate(rawOf(file));
      expect({ file, errors: ok ? null : validate.errors }).toEqual({ file, errors: null });
    }
  });

  it("refuses what zod refuses: a renamed stage, a missing field, a bad duration", () => {
    const raw = rawOf(MINIMAL) as Record<string, Record<string, unknown>>;
    const renamed = { ...raw, states: { ...raw.states, aftercare: raw.states?.assistance } };
    const { timezone: _timezone, ...missing } = raw;
    const badDuration = { ...raw, retention: { personalDataAfterClosure: "5 years" } };
    for (const bad of [renamed, missing, badDuration]) expect(validate(bad)).toBe(false);
  });

  it("also works under draft-07 rules, which the YAML language server applies to editors", () => {
    // Only keywords both drafts share are used; `$defs` is reached through plain JSON-pointer refs.
    const draft07 = new Ajv({ strict: true, allowUnionTypes: true });
    addFormats.default(draft07);
    const { $schema: _draft, ...rest } = pathwayJsonSchema();
    const validate07 = draft07.compile({ $schema: "http://json-schema.org/draft-07/schema#", ...rest });
    expect(validate07(rawOf(MINIMAL))).toBe(true);
    for (const file of listShippedPathwayFiles())
      expect({ file, ok: validate07(rawOf(file)) }).toEqual({ file, ok: true });
    expect(validate07({ ...(rawOf(MINIMAL) as object), country: "Ghana" })).toBe(false);
  });
});

describe("calendar.schema.json and migration-plan.schema.json", () => {
  const texts = companionJsonSchemaTexts();

  it("are up to date with the zod schemas (else run: pnpm --filter @passerelle/definitions build:schema)", () => {
    for (const [name, text] of Object.entries(texts))
      expect(readFileSync(fileURLToPath(new URL(`../${name}`, import.meta.url)), "utf8"), name).toBe(text);
  });

  it("accept every shipped calendar and migration plan", () => {
    const calendar = ajv.compile(JSON.parse(texts["calendar.schema.json"]!));
    const plan = ajv.compile(JSON.parse(texts["migration-plan.schema.json"]!));
    const root = fileURLToPath(new URL("../", import.meta.url));
    const files = (dir: string, match: RegExp) =>
      readdirSync(join(root, dir), { recursive: true, encoding: "utf8" })
        .filter((f) => match.test(f))
        .map((f) => join(root, dir, f));
    const calendars = files("calendars", /\d{4}\.yaml$/);
    const plans = files("pathways", /migrations[\\/]\d+-to-\d+\.yaml$/);
    expect(calendars.length).toBe(12);
    expect(plans.length).toBe(7);
    for (const file of calendars)
      expect(calendar(rawOf(file)), `${file}: ${JSON.stringify(calendar.errors)}`).toBe(true);
    for (const file of plans) expect(plan(rawOf(file)), `${file}: ${JSON.stringify(plan.errors)}`).toBe(true);
  });
});
