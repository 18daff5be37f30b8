import { describe, expect, it } from "vitest";

import { addDuration, resolveDuration, type TimeSettings } from "./time.ts";

const accra: TimeSettings = {
  timezone: "Africa/Accra",
  calendar: { weekend: [6, 7], holidays: ["2026-03-06"] },
  figures: {
    rg: { value: { workingDays: 5 }, basis: "guidance", source: "x" },
    reflection: { value: "P30D", basis: "law", source: "x" },
  },
};
const london: TimeSettings = {
  ...accra,
  timezone: "Europe/London",
  calendar: { weekend: [6, 7], holidays: [] },
};
const iso = (d: Date) => d.toISOString();

describe("working days", () => {
  it("skips the weekend and keeps the time of day", () => {
    // Thursday 5 March 2026, 3 working days: Fri 6 is a holiday, so Mon 9, Tue 10, Wed 11.
    expect(iso(addDuration(new Date("2026-03-05T14:30:00Z"), { workingDays: 3 }, accra))).toBe(
      "2026-03-11T14:30:00.000Z",
    );
    // Friday 13 March + 1 working day → Monday 16.
    expect(iso(addDuration(new Date("2026-03-13T08:00:00Z"), { workingDays: 1 }, accra))).toBe(
      "2026-03-16T08:00:00.000Z",
    );
  });
  it("counts from a weekend day to the next working days", () => {
    expect(iso(addDuration(new Date("2026-03-14T08:00:00Z"), { workingDays: 1 }, accra))).toBe(
      "2026-03-16T08:00:00.000Z",
    );
  });
  it("leaves the instant unchanged for zero working days", () => {
    expect(iso(addDuration(new Date("2026-03-14T08:00:00Z"), { workingDays: 0 }, accra))).toBe(
      "2026-03-14T08:00:00.000Z",
    );
  });
  it("honours another weekend (Friday-Saturday)", () => {
    const fridaySaturday = { ...accra, calendar: { weekend: [5, 6], holidays: [] } };
    // Thursday 12 March + 1 → Sunday 15 March.
    expect(iso(addDuration(new Date("2026-03-12T08:00:00Z"), { workingDays: 1 }, fridaySaturday))).toBe(
      "2026-03-15T08:00:00.000Z",
    );
  });
  it("keeps the local time across a daylight-saving change", () => {
    // Friday 27 March 2026 09:00 GMT; clocks go forward on Sunday 29: Monday is 09:00 BST = 08:00Z.
    expect(iso(addDuration(new Date("2026-03-27T09:00:00Z"), { workingDays: 1 }, london))).toBe(
      "2026-03-30T08:00:00.000Z",
    );
  });
  it("counts local days: late evening in the zone is already the next day", () => {
    const tokyo = { ...accra, timezone: "Asia/Tokyo", calendar: { weekend: [6, 7], holidays: [] } };
    // 16:00Z Friday 13 March is 01:00 Saturday 14 in Tokyo: the next working day is Monday 16 (01:00 JST).
    expect(iso(addDuration(new Date("2026-03-13T16:00:00Z"), { workingDays: 1 }, tokyo))).toBe(
      "2026-03-15T16:00:00.000Z",
    );
  });
});

describe("calendar durations", () => {
  it("adds ISO durations in a zone without daylight saving", () => {
    expect(iso(addDuration(new Date("2026-03-09T10:00:00Z"), "P30D", accra))).toBe(
      "2026-04-08T10:00:00.000Z",
    );
    expect(iso(addDuration(new Date("2026-03-09T10:00:00Z"), "PT24H", accra))).toBe(
      "2026-03-10T10:00:00.000Z",
    );
    expect(iso(addDuration(new Date("2026-03-09T10:00:00Z"), "P2W", accra))).toBe("2026-03-23T10:00:00.000Z");
  });
  it("adds days as local days across a daylight-saving change, hours as elapsed time", () => {
    expect(iso(addDuration(new Date("2026-03-28T12:00:00Z"), "P1D", london))).toBe(
      "2026-03-29T11:00:00.000Z",
    );
    expect(iso(addDuration(new Date("2026-03-28T12:00:00Z"), "PT24H", london))).toBe(
      "2026-03-29T12:00:00.000Z",
    );
  });
  it("multiplies rather than repeats, so month ends do not drift", () => {
    const jan31 = new Date("2026-01-31T10:00:00Z");
    expect(iso(addDuration(jan31, "P1M", accra, 1))).toBe("2026-02-28T10:00:00.000Z");
    expect(iso(addDuration(jan31, "P1M", accra, 2))).toBe("2026-03-31T10:00:00.000Z");
  });
  it("resolves figures", () => {
    expect(resolveDuration({ figure: "rg" }, accra)).toEqual({ workingDays: 5 });
    expect(iso(addDuration(new Date("2026-03-09T10:00:00Z"), { figure: "reflection" }, accra))).toBe(
      "2026-04-08T10:00:00.000Z",
    );
    expect(() => resolveDuration({ figure: "nope" }, accra)).toThrow(/unknown figure/);
  });
});
