/**
 * Where the server reads public-holiday calendars: the shipped ones (`packages/definitions/calendars`)
 * and the committee's (`PASSERELLE_CALENDARS_DIR`, default `./data/calendars` beside the default
 * database). For each country and year the file with the highest `revision` wins, so a committee
 * update never needs a change to the shipped data or a new pathway version.
 */
import { existsSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { CALENDARS_DIR, type HolidayCalendar, shippedCalendars } from "@passerelle/definitions";
import { invocationDir } from "../config.ts";

/** The committee's calendar directory. */
export function committeeCalendarsDir(env: NodeJS.ProcessEnv = process.env): string {
  return env.PASSERELLE_CALENDARS_DIR ?? join(invocationDir(), "data", "calendars");
}

/** The calendars in force: for each country and year, the highest revision among the directories. */
export function loadCalendars(dirs: readonly string[]): HolidayCalendar[] {
  const best = new Map<string, HolidayCalendar>();
  for (const dir of dirs)
    for (const calendar of shippedCalendars(dir)) {
      const key = `${calendar.country}/${calendar.year}`;
      const kept = best.get(key);
      if (!kept || calendar.revision > kept.revision) best.set(key, calendar);
    }
  return [...best.values()].sort((a, b) => a.country.localeCompare(b.country) || a.year - b.year);
}

const RECHECK_MS = 2000;
let cached: { stamp: string; checkedAt: number; calendars: HolidayCalendar[] } | undefined;

/** Modification times of the calendar directories and files: changes when the committee writes one. */
function stampOf(dirs: readonly string[]): string {
  const parts: string[] = [];
  for (const dir of dirs) {
    if (!existsSync(dir)) continue;
    parts.push(`${dir}:${statSync(dir).mtimeMs}`);
    // Files are written by rename (see holiday-file.ts): a change shows in its country directory.
    for (const country of readdirSync(dir)) parts.push(`${country}:${statSync(join(dir, country)).mtimeMs}`);
  }
  return parts.join("|");
}

/**
 * The calendars in force now, re-read when a calendar directory changed (checked at most every two
 * seconds, so a step never pays for more than a few stat calls). The same array is returned while
 * nothing changed, so the engine's per-calendar caches keep working.
 */
export function currentCalendars(dirs?: readonly string[], now: number = Date.now()): HolidayCalendar[] {
  if (cached && now - cached.checkedAt < RECHECK_MS) return cached.calendars;
  // Resolved only on a re-check: reading the environment on every step was measurable.
  dirs ??= [CALENDARS_DIR, committeeCalendarsDir()];
  const stamp = stampOf(dirs);
  if (cached && cached.stamp === stamp) {
    cached.checkedAt = now;
    return cached.calendars;
  }
  try {
    cached = { stamp, checkedAt: now, calendars: loadCalendars(dirs) };
  } catch (error) {
    // At start an invalid calendar stops the server (as an invalid pathway does). Once running, a
    // file broken by hand must not stop every deadline: the calendars read last stay in force
    // (`passerelle calendars add-holiday` validates before it writes, so it never breaks one).
    if (!cached) throw error;
    cached = { ...cached, stamp, checkedAt: now };
  }
  return cached.calendars;
}

/** Forget the calendars read so far: the next use re-reads them (after a change made in this process). */
export function refreshCalendars(): void {
  cached = undefined;
}
