import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ERROR_CATALOG } from "./catalog.ts";

const DOC = readFileSync(new URL("../../../../docs/errors.md", import.meta.url), "utf8");

/** `### CODE` headings of docs/errors.md with the status stated under each. */
function documented(): Map<string, number> {
  const codes = new Map<string, number>();
  for (const section of DOC.split(/^### /m).slice(1)) {
    const code = section.split("\n", 1)[0]!.trim();
    const status = /Status: \*\*(\d{3})\*\*/.exec(section);
    codes.set(code, status ? Number(status[1]) : Number.NaN);
  }
  return codes;
}

describe("error catalog", () => {
  it("is documented in docs/errors.md: every code in both, with the same status", () => {
    const doc = documented();
    expect([...doc.keys()].sort()).toEqual(Object.keys(ERROR_CATALOG).sort());
    for (const [code, entry] of Object.entries(ERROR_CATALOG)) expect(doc.get(code), code).toBe(entry.status);
  });

  it("uses PASSERELLE_ codes with a title and description, and HTTP error statuses", () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOG)) {
      expect(code).toMatch(/^PASSERELLE_[A-Z_]+$/);
      expect(entry.status).toBeGreaterThanOrEqual(400);
      expect(entry.status).toBeLessThan(600);
      expect(entry.title.length).toBeGreaterThan(0);
      expect(entry.description.length).toBeGreaterThan(0);
    }
  });
});
