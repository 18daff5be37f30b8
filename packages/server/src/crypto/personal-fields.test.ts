import type { EventSpec } from "@passerelle/definitions";
import { describe, expect, it } from "vitest";
import { ageBandOf, splitEventData, splitPerson } from "./personal-fields.ts";

describe("splitPerson", () => {
  it("keeps only reportable attributes in the clear; anything unknown is personal", () => {
    const { clear, personal } = splitPerson({
      firstName: "Ama",
      birthDate: "2010-03-04",
      sex: "female",
      nationality: "GH",
      phone: "+233 20 000 0000",
      somethingNew: "x",
    });
    expect(clear).toEqual({ sex: "female", nationality: "GH" });
    expect(Object.keys(personal).sort()).toEqual(["birthDate", "firstName", "phone", "somethingNew"]);
  });
});

describe("splitEventData", () => {
  const spec = {
    label: { en: "Screened" },
    data: {
      outcome: { type: "enum", values: ["a"], label: { en: "o" }, required: true, personal: false },
      notes: { type: "text", label: { en: "n" }, required: false, personal: false },
      contact: { type: "string", label: { en: "c" }, required: false, personal: true },
    },
  } satisfies EventSpec;

  it("seals personal, free-text and undeclared fields", () => {
    const { clear, personal } = splitEventData(spec, {
      outcome: "a",
      notes: "met at",
      contact: "x",
      extra: 1,
    });
    expect(clear).toEqual({ outcome: "a" });
    expect(personal).toEqual({ notes: "met at", contact: "x", extra: 1 });
  });
});

describe("ageBandOf", () => {
  it("counts birthdays exactly and uses CTDC bands", () => {
    expect(ageBandOf("2008-06-02", new Date("2026-06-01T12:00:00Z"))).toBe("9--17");
    expect(ageBandOf("2008-06-01", new Date("2026-06-01T12:00:00Z"))).toBe("18--20");
    expect(ageBandOf("1970-01-01", new Date("2026-06-01T00:00:00Z"))).toBe("48+");
    expect(ageBandOf(undefined, new Date())).toBeUndefined();
  });
});
