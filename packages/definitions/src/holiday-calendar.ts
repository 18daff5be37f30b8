import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import { Source } from "./metadata.ts";
import { readSource } from "./parse.ts";
import { formatPath, type Problem } from "./problem.ts";

/** Where the shipped calendars live: `calendars/<COUNTRY>/<year>.yaml`. */
export const CALENDARS_DIR = fileURLToPath(new URL("../calendars/", import.meta.url));

/** One public holiday of a country's calendar year. */
export const Holiday = z
  .object({
    date: z.iso.date().describe("YYYY-MM-DD"),
    name: z.string().min(1).describe("The holiday's name, as the country writes it"),
    provisional: z
      .boolean()
      .optional()
      .describe(
        "The date depends on moon sighting or on a decision announced shortly before: expected, to be confirmed by the committee",
      ),
    source: z.string().optional().describe("Id of the source in `sources`"),
    note: z.string().optional(),
  })
  .strict();
export type Holiday = z.infer<typeof Holiday>;

/**
 * A country's public holidays for one year: their own versioned data, updated by the committee
 * (movable holidays are announced weeks ahead) without a new pathway version. Working-day deadlines
 * of every pathway version of the country skip them.
 */
export const HolidayCalendar = z
  .object({
    $schema: z.string().optional(),
    country: z.string().regex(/^[A-Z]{2}$/, { message: "must be an ISO 3166-1 alpha-2 code" }),
    year: z.int().min(2000).max(2100),
    revision: z
      .int()
      .min(1)
      .describe("Raised by the committee at every change (a holiday added, a date confirmed)"),
    sources: z.array(Source).min(1).describe("Where the holidays are fixed"),
    holidays: z.array(Holiday).describe("Public holidays of the year, in date order"),
  })
  .strict()
  .superRefine((calendar, ctx) => {
    const ids = new Set(calendar.sources.map((s) => s.id));
    const seen = new Set<string>();
    calendar.holidays.forEach((holiday, i) => {
      if (!holiday.date.startsWith(`${calendar.year}-`))
        ctx.addIssue({ code: "custom", path: ["holidays", i, "date"], message: `not in ${calendar.year}` });
      if (holiday.source !== undefined && !ids.has(holiday.source))
        ctx.addIssue({
          code: "custom",
          path: ["holidays", i, "source"],
          message: `'${holiday.source}' is not in sources`,
        });
      if (seen.has(holiday.date))
        ctx.addIssue({
          code: "custom",
          path: ["holidays", i, "date"],
          message: `${holiday.date} is listed twice`,
        });
      seen.add(holiday.date);
    });
  });
export type HolidayCalendar = z.infer<typeof HolidayCalendar>;

export type HolidayCalendarResult =
  | { ok: true; calendar: HolidayCalendar }
  | { ok: false; problems: Problem[] };

export function parseHolidayCalendar(text: string): HolidayCalendarResult {
  const source = readSource(text, "yaml");
  if (!source.ok) return { ok: false, problems: source.problems };
  const result = HolidayCalendar.safeParse(source.source.raw);
  if (result.success) return { ok: true, calendar: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      message: issue.message,
      ...source.source.locate(issue.path),
    })),
  };
}

/** Every shipped calendar, sorted by country then year. Throws if one is invalid or misplaced. */
export function shippedCalendars(dir: string = CALENDARS_DIR): HolidayCalendar[] {
  const out: HolidayCalendar[] = [];
  if (!existsSync(dir)) return out;
  for (const country of readdirSync(dir).sort()) {
    if (!/^[A-Z]{2}$/.test(country)) continue;
    for (const name of readdirSync(join(dir, country)).sort()) {
      if (!/^[0-9]{4}\.yaml$/.test(name)) continue;
      const file = join(dir, country, name);
      const result = parseHolidayCalendar(readFileSync(file, "utf8"));
      if (!result.ok) {
        const lines = result.problems.map((p) => `  ${p.path || "(root)"}: ${p.message}`);
        throw new Error(`Calendar ${file} is invalid:\n${lines.join("\n")}`);
      }
      const { calendar } = result;
      if (calendar.country !== country || `${calendar.year}.yaml` !== basename(file))
        throw new Error(
          `Calendar ${file} says ${calendar.country} ${calendar.year}; its path must be ${calendar.country}/${calendar.year}.yaml`,
        );
      out.push(calendar);
    }
  }
  return out;
}
