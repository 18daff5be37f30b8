/** Due times in words: working days ahead in the pathway's calendar and time zone, calendar days late. */
import { describe, expect, it } from "vitest";
import { dueWords, formatInZone, workingDaysBetween } from "./due.ts";

const ghana = { timezone: "Africa/Accra", calendar: { weekend: [6, 7], holidays: ["2026-03-06"] } };
const at = (iso: string) => Date.parse(iso);

describe("due words", () => {
  it("counts working days ahead, skipping the weekend and the pathway's holidays", () => {
    // Thursday 5 March 2026 → Monday 9 March: Friday 6 is Independence Day, then the weekend.
    expect(
      workingDaysBetween(
        at("2026-03-05T09:00:00Z"),
        at("2026-03-09T09:00:00Z"),
        ghana.calendar,
        ghana.timezone,
      ),
    ).toBe(1);
    expect(dueWords("2026-03-09T09:00:00Z", at("2026-03-05T09:00:00Z"), ghana)).toEqual({
      id: "due.in",
      unit: "unit.workingDays",
      count: 1,
    });
  });

  it("counts days in the pathway's time zone, not the device's", () => {
    // Friday 23:30 in Hanoi to Monday 09:00 there: one working day. In New York the same instants
    // are Friday morning and Sunday evening: none.
    const hanoi = { timezone: "Asia/Ho_Chi_Minh", calendar: { weekend: [6, 7], holidays: [] } };
    expect(
      workingDaysBetween(
        at("2026-03-06T16:30:00Z"),
        at("2026-03-10T02:00:00Z"),
        hanoi.calendar,
        hanoi.timezone,
      ),
    ).toBe(2);
    expect(
      workingDaysBetween(
        at("2026-03-06T16:30:00Z"),
        at("2026-03-09T02:00:00Z"),
        hanoi.calendar,
        hanoi.timezone,
      ),
    ).toBe(1);
    expect(
      workingDaysBetween(
        at("2026-03-06T16:30:00Z"),
        at("2026-03-09T02:00:00Z"),
        hanoi.calendar,
        "America/New_York",
      ),
    ).toBe(0);
  });

  it("says how late an overdue task is in calendar days, and hours or minutes when close", () => {
    expect(dueWords("2026-03-02T09:00:00Z", at("2026-03-05T10:00:00Z"), ghana)).toEqual({
      id: "due.overdue",
      unit: "unit.days",
      count: 3,
    });
    expect(dueWords("2026-03-05T12:00:00Z", at("2026-03-05T09:30:00Z"), ghana)).toEqual({
      id: "due.in",
      unit: "unit.hours",
      count: 2,
    });
    expect(dueWords("2026-03-05T09:10:00Z", at("2026-03-05T09:00:00Z"))).toMatchObject({
      unit: "unit.minutes",
      count: 10,
    });
  });

  it("shows the date in the pathway's time zone", () => {
    expect(formatInZone("2026-03-06T16:30:00Z", "en", "Asia/Ho_Chi_Minh")).toMatch(
      /Mar 6, 2026.*11:30.*GMT\+7/,
    );
  });
});
