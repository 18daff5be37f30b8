import { DateTime, Duration } from "luxon";
import { describe, expect, it } from "vitest";
import { seeded } from "./testing/random.ts";
import { offsetAt, plus, plusWorkingDays } from "./zone.ts";

const ZONES = [
  "Africa/Accra",
  "Europe/London",
  "America/New_York",
  "Asia/Kathmandu",
  "Australia/Lord_Howe",
  "Asia/Ho_Chi_Minh",
];
const DURATIONS = [
  "P1D",
  "PT24H",
  "P30D",
  "P1M",
  "P2M",
  "P1Y",
  "P2W",
  "PT36H",
  "P1DT12H",
  "P3M2DT4H30M",
  "PT45M",
];
const random = seeded(42);
// Random instants 2024-2030, with extra weight on the hours around DST changes.
const instants = Array.from(
  { length: 600 },
  () => Date.UTC(2024, 0, 1) + Math.floor(random() * 7 * 365 * 86_400_000),
);

describe("zone arithmetic agrees with luxon", () => {
  it.each(ZONES)("offsets in %s", (zone) => {
    for (const ts of instants)
      expect(offsetAt(zone, ts)).toBe(DateTime.fromMillis(ts, { zone }).offset * 60_000);
  });

  it.each(ZONES)("durations in %s", (zone) => {
    for (const [i, ts] of instants.entries()) {
      const iso = DURATIONS[i % DURATIONS.length]!;
      const times = 1 + (i % 3);
      const duration = Duration.fromISO(iso);
      const expected = DateTime.fromMillis(ts, { zone })
        .plus(duration.mapUnits((x) => x * times))
        .toMillis();
      expect(
        plus(zone, ts, duration.toObject(), times),
        `${new Date(ts).toISOString()} + ${times}×${iso}`,
      ).toBe(expected);
    }
  });

  it.each(ZONES)("working days in %s match stepping luxon day by day", (zone) => {
    const weekend = new Set([6, 7]);
    for (const ts of instants.slice(0, 150)) {
      const count = Math.floor(random() * 12);
      let expected = DateTime.fromMillis(ts, { zone });
      for (let counted = 0; counted < count; ) {
        expected = expected.plus({ days: 1 });
        if (!weekend.has(expected.weekday)) counted++;
      }
      const local = DateTime.fromMillis(ts, { zone });
      // Only compare away from DST gaps, where luxon's day-by-day stepping shifts the time of day.
      if (expected.hour !== local.hour) continue;
      expect(plusWorkingDays(zone, ts, count, (_day, weekday) => !weekend.has(weekday))).toBe(
        expected.toMillis(),
      );
    }
  });
});

describe("offsets on the day of a change", () => {
  it("switch at the exact instant (London, spring and autumn 2026)", () => {
    const at = (iso: string) => offsetAt("Europe/London", Date.parse(iso));
    expect(at("2026-03-29T00:59:59Z")).toBe(0);
    expect(at("2026-03-29T01:00:00Z")).toBe(3_600_000);
    expect(at("2026-10-25T00:59:59Z")).toBe(3_600_000);
    expect(at("2026-10-25T01:00:00Z")).toBe(0);
  });
  it("handle half-hour changes (Lord Howe Island, April 2026)", () => {
    const at = (iso: string) => offsetAt("Australia/Lord_Howe", Date.parse(iso));
    // 02:00 local (+11:00) on 5 April 2026 becomes 01:30 (+10:30): 4 April 15:00Z.
    expect(at("2026-04-04T14:59:59Z")).toBe(11 * 3_600_000);
    expect(at("2026-04-04T15:00:00Z")).toBe(10.5 * 3_600_000);
  });
});
