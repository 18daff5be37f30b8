import { mkdirSync, mkdtempSync, readFileSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { getShippedPathway, listShippedPathwayFiles, shippedPathways } from "./shipped.ts";

const MINIMAL = readFileSync(
  fileURLToPath(new URL("../fixtures/valid/minimal.yaml", import.meta.url)),
  "utf8",
);

/** A pathways directory with the minimal fixture at the given versions and statuses. */
function pathwaysDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), "passerelle-pathways-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return dir;
}

const variant = (version: number, status: "draft" | "published") =>
  MINIMAL.replace("version: 1", `version: ${version}`).replace("status: draft", `status: ${status}`);

describe("shipped pathways", () => {
  it("ships at least GH NG GN ML SN VN INTL", () => {
    const countries = new Set(shippedPathways().map((p) => p.country));
    for (const country of ["GH", "NG", "GN", "ML", "SN", "VN", "INTL"]) expect(countries).toContain(country);
  });

  it("lists only <COUNTRY>/<version>.yaml, not companions such as scenarios", () => {
    const files = listShippedPathwayFiles();
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) expect(basename(file)).toMatch(/^[1-9][0-9]*\.yaml$/);
  });

  it("returns the latest published version when none is asked, any version when asked", () => {
    const dir = pathwaysDir({
      "ZZ/1.yaml": variant(1, "published"),
      "ZZ/2.yaml": variant(2, "published"),
      "ZZ/3.yaml": variant(3, "draft"),
      "ZZ/2.scenarios.yaml": "not: a pathway\n",
    });
    expect(listShippedPathwayFiles(dir).map((f) => basename(f))).toEqual(["1.yaml", "2.yaml", "3.yaml"]);
    expect(getShippedPathway("ZZ", undefined, dir)?.version).toBe(2);
    expect(getShippedPathway("ZZ", 3, dir)?.status).toBe("draft");
    expect(getShippedPathway("ZZ", 4, dir)).toBeUndefined();
    expect(getShippedPathway("YY", undefined, dir)).toBeUndefined();
  });

  it("refuses a file whose path does not match its country and version", () => {
    const dir = pathwaysDir({ "ZZ/2.yaml": variant(1, "draft") });
    expect(() => shippedPathways(dir)).toThrow(/its path must be ZZ\/1\.yaml/);
  });

  it("refuses an invalid shipped file, naming it and the problem path", () => {
    const dir = pathwaysDir({ "ZZ/1.yaml": MINIMAL.replace("timezone: UTC\n", "") });
    expect(() => shippedPathways(dir)).toThrow(/ZZ\/1\.yaml is invalid:\n {2}timezone: is required/);
  });

  it("re-reads a file that changed", () => {
    const dir = pathwaysDir({ "ZZ/1.yaml": variant(1, "draft") });
    expect(getShippedPathway("ZZ", 1, dir)?.timezone).toBe("UTC");
    const file = join(dir, "ZZ/1.yaml");
    writeFileSync(file, variant(1, "draft").replace("timezone: UTC", "timezone: Africa/Accra"));
    // Force a different modification time even on coarse-grained file systems.
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    expect(getShippedPathway("ZZ", 1, dir)?.timezone).toBe("Africa/Accra");
  });
});
