import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { CALENDARS_DIR } from "@passerelle/definitions";
import { describe, expect, it } from "vitest";
import { tempDir } from "../testing/build.ts";
import { currentCalendars, loadCalendars, refreshCalendars } from "./calendar-dirs.ts";

const GN_2026 = (revision: number, extra = "") =>
  `country: GN\nyear: 2026\nrevision: ${revision}\nsources: [{ id: s, title: Arrêté }]\nholidays:\n  - { date: 2026-01-01, name: Jour de l'An, source: s }\n${extra}`;

describe("calendars in force", () => {
  it("take, for each country and year, the highest revision among the directories", () => {
    const committee = tempDir();
    mkdirSync(join(committee, "GN"));
    writeFileSync(
      join(committee, "GN", "2026.yaml"),
      GN_2026(2, "  - { date: 2026-06-26, name: Tamkharit, source: s }\n"),
    );
    const gn = loadCalendars([CALENDARS_DIR, committee]).filter((c) => c.country === "GN");
    expect(gn.map((c) => [c.year, c.revision])).toEqual([
      [2026, 2],
      [2027, 1],
    ]);
    expect(gn[0]!.holidays.map((h) => h.date)).toEqual(["2026-01-01", "2026-06-26"]);
    // The same revision as the shipped file does not replace it: the committee raises it.
    writeFileSync(join(committee, "GN", "2026.yaml"), GN_2026(1));
    const shipped = loadCalendars([CALENDARS_DIR, committee]).find(
      (c) => c.country === "GN" && c.year === 2026,
    )!;
    expect(shipped.holidays.length).toBeGreaterThan(1);
  });

  it("refuse an invalid file at start, and keep the calendars in force when one breaks while running", () => {
    const committee = tempDir();
    mkdirSync(join(committee, "GN"));
    writeFileSync(join(committee, "GN", "2026.yaml"), "country: GN\nyear: 2026\n");
    refreshCalendars();
    expect(() => currentCalendars([CALENDARS_DIR, committee], 0)).toThrow(/GN\/2026\.yaml is invalid/);
    writeFileSync(join(committee, "GN", "2026.yaml"), GN_2026(2));
    refreshCalendars();
    const good = currentCalendars([CALENDARS_DIR, committee], 0);
    expect(good.find((c) => c.country === "GN" && c.year === 2026)!.revision).toBe(2);
    // Broken by hand (a new file in the country directory changes its stamp), read again later.
    writeFileSync(join(committee, "GN", "2027.yaml"), "not: a calendar\n");
    expect(currentCalendars([CALENDARS_DIR, committee], 10_000)).toBe(good);
    refreshCalendars();
  });
});
