/**
 * Public holidays are their own versioned data (a calendar per country and year, updated by the
 * committee), not part of an immutable pathway version. Working-day deadlines of a case count with
 * the pathway's weekend and holidays plus those of the country's calendars. Pure: the calendars are
 * passed in; the caller reads them.
 */
import type { HolidayCalendar, Pathway } from "@passerelle/definitions";

// One derived pathway per (pathway, set of holidays): compiled machines and working-day tests are
// cached per pathway object, so the same holidays must give the same object.
const derived = new WeakMap<Pathway, Map<string, Pathway>>();

/** Every holiday date of the country in the given calendars, sorted and without repeats. */
export function holidayDates(country: string, calendars: readonly HolidayCalendar[]): string[] {
  const dates = calendars.filter((c) => c.country === country).flatMap((c) => c.holidays.map((h) => h.date));
  return [...new Set(dates)].sort();
}

/**
 * The pathway as deadlines are computed for it: its own calendar with the country's calendar
 * holidays added. The definition itself (and its content hash) is unchanged; use the result only to
 * start, step and migrate cases.
 */
export function withCalendars(pathway: Pathway, calendars: readonly HolidayCalendar[]): Pathway {
  const extra = holidayDates(pathway.country, calendars);
  const holidays = [...new Set([...pathway.calendar.holidays, ...extra])].sort();
  if (holidays.length === pathway.calendar.holidays.length) return pathway;
  const key = holidays.join(",");
  let byKey = derived.get(pathway);
  if (!byKey) {
    byKey = new Map();
    derived.set(pathway, byKey);
  }
  let result = byKey.get(key);
  if (!result) {
    result = { ...pathway, calendar: { ...pathway.calendar, holidays } };
    byKey.set(key, result);
  }
  return result;
}
