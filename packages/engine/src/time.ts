/**
 * Deadline arithmetic (luxon parses durations; `zone.ts` does the zone arithmetic). Every duration is added in the pathway's time zone, so that "P1D" means the
 * same local time tomorrow even across a daylight-saving change, and working days skip the
 * pathway's weekend and public holidays. XState never sees a delay: these instants become task rows.
 */
import type { Calendar, Duration, DurationOrFigure, Pathway } from "@passerelle/definitions";
import { Duration as LuxonDuration } from "luxon";
import { type DurationParts, dayNumber, plus, plusWorkingDays } from "./zone.ts";

/** The parts of a pathway that time arithmetic needs. */
export type TimeSettings = Pick<Pathway, "timezone" | "calendar" | "figures">;

/** ISO durations are parsed once (with luxon): they come from a few definitions and serve every step. */
const isoCache = new Map<string, DurationParts>();

function parseIso(iso: string): DurationParts {
  let parts = isoCache.get(iso);
  if (!parts) {
    const parsed = LuxonDuration.fromISO(iso);
    if (!parsed.isValid) throw new Error(`invalid ISO 8601 duration '${iso}'`);
    parts = parsed.toObject();
    isoCache.set(iso, parts);
  }
  return parts;
}

/** Weekend days and holidays (as epoch day numbers), built once per calendar object. */
const calendarCache = new WeakMap<Calendar, (day: number, weekday: number) => boolean>();

function workingDayTest(calendar: Calendar): (day: number, weekday: number) => boolean {
  let test = calendarCache.get(calendar);
  if (!test) {
    const weekend = new Set(calendar.weekend);
    const holidays = new Set(calendar.holidays.map(dayNumber));
    test = (day, weekday) => !weekend.has(weekday) && !holidays.has(day);
    calendarCache.set(calendar, test);
  }
  return test;
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
 * Adds `times` × the duration to an instant, in the pathway's zone: ISO durations like luxon's
 * `plus` (calendar units move the local calendar, clock units are elapsed time), working days by
 * stepping local days and skipping the weekend and holidays, keeping the local time of day (zero
 * working days leave the instant unchanged). Multiplying rather than adding repeatedly keeps month
 * arithmetic stable: occurrence k of a monthly follow-up from 31 January is due on the last day of
 * the k-th month, never drifting to the 28th.
 */
export function addDuration(from: Date, duration: DurationOrFigure, settings: TimeSettings, times = 1): Date {
  const resolved = resolveDuration(duration, settings);
  if (typeof resolved === "string")
    return new Date(plus(settings.timezone, from.getTime(), parseIso(resolved), times));
  const count = resolved.workingDays * times;
  return new Date(
    plusWorkingDays(settings.timezone, from.getTime(), count, workingDayTest(settings.calendar)),
  );
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
