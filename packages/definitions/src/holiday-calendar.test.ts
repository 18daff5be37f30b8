import { describe, expect, it } from "vitest";
import { parseHolidayCalendar, shippedCalendars } from "./holiday-calendar.ts";

const MOON = /Eid|Aïd|Korité|Tabaski|Maouloud|Mawlid|Magal|Tamkharit|Baptême/;

describe("shipped holiday calendars", () => {
  const calendars = shippedCalendars();

  it("cover 2026 and 2027 for the six countries", () => {
    expect(calendars.map((c) => `${c.country}/${c.year}`)).toEqual(
      ["GH", "GN", "ML", "NG", "SN", "VN"].flatMap((c) => [`${c}/2026`, `${c}/2027`]),
    );
  });

  it("mark every holiday that depends on moon sighting as provisional, and cite a source for each", () => {
    for (const calendar of calendars)
      for (const holiday of calendar.holidays) {
        if (MOON.test(holiday.name))
          expect(holiday.provisional, `${calendar.country} ${holiday.name}`).toBe(true);
        expect(holiday.source, `${calendar.country} ${holiday.date}`).toBeDefined();
      }
  });

  it("list the movable holidays v1 was missing (Easter Monday, Tabaski, Magal, Tết, Hùng Kings)", () => {
    const names = (country: string, year: number) =>
      calendars
        .find((c) => c.country === country && c.year === year)!
        .holidays.map((h) => `${h.date} ${h.name}`);
    expect(names("GH", 2026)).toContain("2026-04-06 Easter Monday");
    expect(names("SN", 2026).some((n) => n.includes("Tabaski"))).toBe(true);
    expect(names("SN", 2026).some((n) => n.includes("Magal"))).toBe(true);
    expect(names("VN", 2026).filter((n) => n.includes("Tết Nguyên đán"))).toHaveLength(5);
    expect(names("VN", 2027).some((n) => n.includes("Hùng"))).toBe(true);
  });
});

describe("holiday calendar schema", () => {
  it("refuses a date outside the year, a date listed twice and an unknown source", () => {
    const result = parseHolidayCalendar(
      [
        "country: GH",
        "year: 2026",
        "revision: 1",
        "sources: [{ id: act, title: An act }]",
        "holidays:",
        "  - { date: 2027-01-01, name: New Year, source: act }",
        "  - { date: 2026-03-06, name: Independence Day, source: act }",
        "  - { date: 2026-03-06, name: Again, source: nowhere }",
      ].join("\n"),
    );
    expect(result.ok).toBe(false);
    if (!result.ok)
      expect(result.problems.map((p) => `${p.path}: ${p.message}`)).toEqual([
        "holidays[0].date: not in 2026",
        "holidays[2].source: 'nowhere' is not in sources",
        "holidays[2].date: 2026-03-06 is listed twice",
      ]);
  });
});
