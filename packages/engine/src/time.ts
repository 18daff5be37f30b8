/**
 * Deadline arithmetic. Every duration is added in the pathway's time zone, so that "P1D" means the
 * same local time tomorrow even across a daylight-saving change, and working days skip the
 * pathway's weekend and public holidays. XState never sees a delay: these instants become task rows.
 */
import type { Calendar, Duration, DurationOrFigure, Pathway } from "@passerelle/definitions";
import { DateTime, Duration as LuxonDuration } from "luxon";

/** The parts of a pathway that time arithmetic needs. */
export type TimeSettings = Pick<Pathway, "timezone" | "calendar" | "figures">;

/** ISO durations are parsed once: they come from a handful of definitions and are used on every step. */
const isoCache = new Map<string, LuxonDuration>();

function parseIso(iso: string): LuxonDuration {
  let parsed = isoCache.get(iso);
  if (!parsed) {
    parsed = LuxonDuration.fromISO(iso);
    if (!parsed.isValid) throw new Error(`invalid ISO 8601 duration '${iso}'`);
    isoCache.set(iso, parsed);
  }
  return parsed;
}

/** Holidays as a set of YYYY-MM-DD, built once per calendar object. */
const holidayCache = new WeakMap<Calendar, Set<string>>();

function holidaysOf(calendar: Calendar): Set<string> {
  let set = holidayCache.get(calendar);
  if (!set) {
    set = new Set(calendar.holidays);
    holidayCache.set(calendar, set);
  }
  return set;
}

/** Whether a local date is worked under the calendar. */
export function isWorkingDay(local: DateTime, calendar: Calendar): boolean {
  if (calendar.weekend.includes(local.weekday)) return false;
  return !holidaysOf(calendar).has(local.toISODate() ?? "");
}

/** Resolves `{ figure: id }` through the pathway's figures; durations pass through. */
export function resolveDuration(due: DurationOrFigure, settings: TimeSettings): Duration {
  if (typeof due === "object" && "figure" in due) {
    const figure = settings.figures[due.figure];
    if (!figure) throw new Error(`unknown figure '${due.figure}'`);
    return figure.value;
  }
  return due;
}

/**
 * Adds `times` × the duration to an instant, in the pathway's zone. Multiplying (rather than adding
 * repeatedly) keeps month arithmetic stable: occurrence k of a monthly follow-up from 31 January is
 * due on the last day of the k-th month, never drifting to the 28th.
 */
export function addDuration(from: Date, duration: DurationOrFigure, settings: TimeSettings, times = 1): Date {
  const resolved = resolveDuration(duration, settings);
  const start = DateTime.fromJSDate(from, { zone: settings.timezone });
  if (typeof resolved === "string") {
    const iso = parseIso(resolved);
    const scaled = times === 1 ? iso : iso.mapUnits((unit) => unit * times);
    return start.plus(scaled).toJSDate();
  }
  return addWorkingDays(start, resolved.workingDays * times, settings.calendar).toJSDate();
}

/**
 * Steps forward one local calendar day at a time, counting only working days, until `count` are
 * counted; the local time of day is kept. Zero working days leaves the instant unchanged.
 */
export function addWorkingDays(start: DateTime, count: number, calendar: Calendar): DateTime {
  let current = start;
  let counted = 0;
  while (counted < count) {
    current = current.plus({ days: 1 });
    if (isWorkingDay(current, calendar)) counted++;
  }
  return current;
}

/** Parses an ISO instant; undefined when the value is not one (guards then fail rather than throw). */
export function parseInstant(value: unknown): Date | undefined {
  if (typeof value !== "string") return undefined;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

/** Human-readable form of a duration, for explanations and diagrams. */
export function formatDuration(duration: DurationOrFigure): string {
  if (typeof duration === "string") return duration;
  if ("figure" in duration) return `figure ${duration.figure}`;
  return `${duration.workingDays} working days`;
}
