import { getShippedPathway, type Pathway } from "@passerelle/definitions";
import { describe, expect, it } from "vitest";
import { erasureDueAt, isErasureDue } from "./due.ts";

const base = getShippedPathway("GH")!;

describe("retention due dates", () => {
  it("adds the pathway's period to the closure date", () => {
    const pathway: Pathway = { ...base, retention: { personalDataAfterClosure: "P1Y" } };
    const closed = new Date("2026-03-01T12:00:00Z");
    expect(erasureDueAt(pathway, closed)?.toISOString()).toBe("2027-03-01T12:00:00.000Z");
    expect(isErasureDue(pathway, closed, new Date("2027-02-28T12:00:00Z"))).toBe(false);
    expect(isErasureDue(pathway, closed, new Date("2027-03-01T12:00:00Z"))).toBe(true);
  });

  it("never erases when the pathway sets no period", () => {
    const { retention: _ignored, ...rest } = base;
    const pathway = rest as Pathway;
    expect(erasureDueAt(pathway, new Date("2000-01-01T00:00:00Z"))).toBeUndefined();
    expect(isErasureDue(pathway, new Date("2000-01-01T00:00:00Z"), new Date())).toBe(false);
  });
});
