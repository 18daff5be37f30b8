/**
 * `passerelle calendars …`: the committee's public-holiday calendars. Adding a holiday writes the
 * country's calendar for that year (revision raised) into the committee's calendar directory, then
 * re-times, in one audited transaction, every open task whose due time the holiday moves.
 */
import { CALENDARS_DIR } from "@passerelle/definitions";
import type { Command } from "commander";
import { committeeCalendarsDir, loadCalendars } from "../calendars/calendar-dirs.ts";
import { prepareHoliday, withCalendar, writeCalendar } from "../calendars/holiday-file.ts";
import { retimeForCalendars } from "../calendars/retime-tasks.ts";
import {
  DATABASE_URL_FLAGS,
  DATABASE_URL_HELP,
  type DatabaseOption,
  withStorage,
} from "./database-option.ts";

interface AddHolidayOptions extends DatabaseOption {
  country: string;
  date: string;
  name: string;
  source: string;
  provisional?: boolean;
  dryRun?: boolean;
  now?: string;
  calendarsDir?: string;
}

export function registerCalendarsCommands(program: Command): void {
  const calendars = program.command("calendars").description("Public-holiday calendars of the countries");

  calendars
    .command("add-holiday")
    .description(
      "Add (or correct) a public holiday in a country's calendar, then re-time every open task whose due time it moves, with a history row and an audit entry per case",
    )
    .requiredOption("--country <code>", "ISO 3166-1 alpha-2 code, e.g. SN")
    .requiredOption("--date <YYYY-MM-DD>", "the holiday")
    .requiredOption("--name <name>", "its name, as the country writes it")
    .requiredOption("--source <title>", "where it is fixed, e.g. the decree or announcement")
    .option("--provisional", "the date depends on moon sighting or is not yet confirmed")
    .option("--dry-run", "show which tasks would move; change nothing")
    .option("--now <instant>", "as of this ISO instant (default: now)")
    .option(
      "--calendars-dir <dir>",
      "the committee's calendar directory (default: PASSERELLE_CALENDARS_DIR or ./data/calendars)",
    )
    .option(DATABASE_URL_FLAGS, DATABASE_URL_HELP)
    .action(async (opts: AddHolidayOptions) => {
      const committeeDir = opts.calendarsDir ?? committeeCalendarsDir();
      const dirs = [CALENDARS_DIR, committeeDir];
      const prepared = prepareHoliday(dirs, {
        country: opts.country,
        date: opts.date,
        name: opts.name,
        source: opts.source,
        ...(opts.provisional && { provisional: true }),
      });
      if (prepared.status === "invalid") {
        for (const problem of prepared.problems) process.stderr.write(`error: ${problem}\n`);
        process.exitCode = 1;
        return;
      }
      const { calendar } = prepared;
      const reason = `holiday ${opts.date} in ${calendar.country} ${calendar.year} calendar revision ${calendar.revision}`;
      await withStorage(opts, async (storage) => {
        if (prepared.status === "changed" && !opts.dryRun) writeCalendar(committeeDir, calendar);
        const report = await retimeForCalendars(storage, {
          country: calendar.country,
          calendars: withCalendar(loadCalendars(dirs), calendar),
          now: opts.now ? new Date(opts.now) : new Date(),
          dryRun: opts.dryRun ?? false,
          reason,
        });
        for (const c of report.cases)
          for (const t of c.tasks)
            process.stdout.write(`${c.caseId}\t${c.pathway}\t${t.key}\t${t.from} → ${t.to}\n`);
        process.stdout.write(
          opts.dryRun
            ? `${report.tasks} open tasks in ${report.cases.length} cases would move (dry run: nothing changed)\n`
            : `${prepared.status === "changed" ? `calendar ${calendar.country} ${calendar.year} now at revision ${calendar.revision}; ` : "calendar unchanged; "}${report.tasks} open tasks in ${report.cases.length} cases re-timed\n`,
        );
      });
    });
}
