import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { canonicalJson, contentHash } from "./hash.ts";
import { parsePathway } from "./parse.ts";
import type { Pathway } from "./pathway.ts";

const MINIMAL = readFileSync(
  fileURLToPath(new URL("../fixtures/valid/minimal.yaml", import.meta.url)),
  "utf8",
);

function parse(text: string, format: "yaml" | "json" = "yaml"): Pathway {
  const result = parsePathway(text, { format });
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.pathway;
}

describe("contentHash", () => {
  const hash = contentHash(parse(MINIMAL));

  it("is sha256 of canonical JSON", () => {
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: undefined }] })).toBe('{"a":[{"d":2}],"b":1}');
  });

  it("ignores comments, formatting, key order, the file format and $schema", () => {
    const pathway = parse(MINIMAL);
    expect(contentHash(parse(`# a comment\n${MINIMAL.replaceAll("{ en: ", "{en: ")}`))).toBe(hash);
    expect(contentHash(parse(stringify(pathway, { sortMapEntries: true })))).toBe(hash);
    expect(contentHash(parse(JSON.stringify(pathway, null, 4), "json"))).toBe(hash);
    expect(contentHash(parse(`$schema: ../../pathway.schema.json\n${MINIMAL}`))).toBe(hash);
    // Writing a default out does not change the meaning, so not the hash either.
    expect(contentHash(parse(`${MINIMAL}calendar: { weekend: [6, 7], holidays: [] }\n`))).toBe(hash);
  });

  it("changes with any change of content", () => {
    expect(contentHash(parse(MINIMAL.replace("P10D", "P11D")))).not.toBe(hash);
    expect(contentHash(parse(MINIMAL.replace("{ en: Support }", "{ en: Support. }")))).not.toBe(hash);
    expect(
      contentHash(
        parse(MINIMAL.replace("record: [outcome]", "record: [outcome]\n          description: { en: Why }")),
      ),
    ).not.toBe(hash);
  });
});
