import { lintPathway } from "@passerelle/definitions";
import { describe, expect, it } from "vitest";
import { tiny } from "./testing/load.ts";

describe("tiny fixtures", () => {
  it.each([1, 2] as const)("ZZ@%i parses and passes every lint rule", (version) => {
    const pathway = tiny(version);
    expect(pathway.country).toBe("ZZ");
    expect(pathway.version).toBe(version);
    expect(lintPathway(pathway)).toEqual([]);
  });
});
