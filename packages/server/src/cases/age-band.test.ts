import { describe, expect, it } from "vitest";
import { ageBandOf } from "./age-band.ts";

describe("ageBandOf", () => {
  it("computes the CTDC band from the birth date on the day", () => {
    expect(ageBandOf({ birthDate: "2008-06-02" }, new Date("2026-06-01T12:00:00Z"))).toBe("9--17");
    expect(ageBandOf({ birthDate: "2008-06-01" }, new Date("2026-06-01T12:00:00Z"))).toBe("18--20");
    expect(ageBandOf({ birthDate: "1970-01-01" }, new Date("2026-06-01T00:00:00Z"))).toBe("48+");
  });

  it("is unknown without a birth date, or when the age is uncertain (never an adult band for a presumed child)", () => {
    expect(ageBandOf({}, new Date())).toBeNull();
    expect(ageBandOf({ birthDate: "1990-01-01", ageUncertain: true }, new Date())).toBeNull();
  });
});
