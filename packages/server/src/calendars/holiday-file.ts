/**
 * A committee adds a public holiday: the calendar of that country and year in force (shipped or
 * already updated) is copied into the committee's directory with the holiday added and its
 * `revision` raised. Written to a temporary file then renamed, so a reader never sees half a file.
 */
import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { type Holiday, HolidayCalendar } from "@passerelle/definitions";
import { stringify } from "yaml";
import { loadCalendars } from "./calendar-dirs.ts";

export interface NewHoliday {
  country: string;
  date: string;
  name: string;
  provisional?: boolean;
  /** Where the date is fixed (an official announcement): cited in the calendar's sources. */
  source: string;
}

export type PreparedHoliday =
  | { status: "changed"; calendar: HolidayCalendar }
  | { status: "unchanged"; calendar: HolidayCalendar }
  | { status: "invalid"; problems: string[] };

/** A short source id for a cited title, stable for the same title. */
function sourceId(calendar: HolidayCalendar | undefined, title: string): string {
  const existing = calendar?.sources.find((s) => s.title === title);
  if (existing) return existing.id;
  const taken = new Set(calendar?.sources.map((s) => s.id) ?? []);
  let n = 1;
  while (taken.has(`committee-${n}`)) n++;
  return `committee-${n}`;
}

/** The calendar in force with the holiday added (revision raised), validated; nothing written. */
export function prepareHoliday(dirs: readonly string[], input: NewHoliday): PreparedHoliday {
  if (!/^[A-Z]{2}$/.test(input.country))
    return { status: "invalid", problems: ["country: must be an ISO 3166-1 alpha-2 code"] };
  const year = Number(input.date.slice(0, 4));
  const current = loadCalendars(dirs).find((c) => c.country === input.country && c.year === year);
  const same = current?.holidays.find((h) => h.date === input.date);
  if (current && same && same.name === input.name && Boolean(same.provisional) === Boolean(input.provisional))
    return { status: "unchanged", calendar: current };
  const id = sourceId(current, input.source);
  const holiday: Holiday = {
    date: input.date,
    name: input.name,
    ...(input.provisional && { provisional: true }),
    source: id,
  };
  const candidate = {
    country: input.country,
    year,
    revision: (current?.revision ?? 0) + 1,
    sources: [
      ...(current?.sources ?? []),
      ...(current?.sources.some((s) => s.id === id) ? [] : [{ id, title: input.source }]),
    ],
    // A date already listed is corrected (e.g. a provisional Eid confirmed), never listed twice.
    holidays: [...(current?.holidays ?? []).filter((h) => h.date !== input.date), holiday].sort((a, b) =>
      a.date.localeCompare(b.date),
    ),
  };
  const parsed = HolidayCalendar.safeParse(candidate);
  if (!parsed.success)
    return {
      status: "invalid",
      problems: parsed.error.issues.map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`),
    };
  return { status: "changed", calendar: parsed.data };
}

/** Writes the calendar into the committee's directory (temporary file, then rename); returns the file. */
export function writeCalendar(committeeDir: string, calendar: HolidayCalendar): string {
  const dir = join(committeeDir, calendar.country);
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${calendar.year}.yaml`);
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(
    temporary,
    `# Public holidays of ${calendar.country} in ${calendar.year}, revision ${calendar.revision}: updated by the committee.\n${stringify(calendar)}`,
  );
  renameSync(temporary, file);
  return file;
}

/** The calendars in force with one replaced (the one a change is about to write). */
export function withCalendar(
  calendars: readonly HolidayCalendar[],
  calendar: HolidayCalendar,
): HolidayCalendar[] {
  return [...calendars.filter((c) => c.country !== calendar.country || c.year !== calendar.year), calendar];
}
