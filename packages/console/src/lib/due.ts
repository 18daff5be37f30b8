/**
 * Due times for people: in words ("due in 2 days", "overdue by 3 days") and as a date in the
 * pathway's time zone (the time zone the deadline was counted in), not the device's.
 */
export interface DueWords {
  /** Message id: due.in or due.overdue. */
  id: "due.in" | "due.overdue";
  /** Message id of the unit. */
  unit: "unit.workingDays" | "unit.days" | "unit.hours" | "unit.minutes";
  count: number;
}

/** The pathway's working-day calendar: ISO weekdays off (6 = Saturday, 7 = Sunday) and holidays. */
export interface WorkingCalendar {
  weekend: number[];
  holidays: string[];
}

/** YYYY-MM-DD of an instant in a time zone. */
function localDate(instant: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-CA", {
    timeZone,
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
  }).format(new Date(instant));
}

/**
 * Working days from the day after `from` to the day of `to` (both in the pathway's time zone),
 * skipping its weekend and holidays: how deadlines were counted.
 */
export function workingDaysBetween(
  from: number,
  to: number,
  calendar: WorkingCalendar,
  timeZone: string,
): number {
  const start = Date.parse(`${localDate(from, timeZone)}T00:00:00Z`);
  const end = Date.parse(`${localDate(to, timeZone)}T00:00:00Z`);
  const holidays = new Set(calendar.holidays);
  let count = 0;
  for (let day = start + 86_400_000; day <= end; day += 86_400_000) {
    const date = new Date(day);
    const isoWeekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
    if (!calendar.weekend.includes(isoWeekday) && !holidays.has(date.toISOString().slice(0, 10))) count += 1;
  }
  return count;
}

export function dueWords(
  dueAt: string,
  now: number,
  pathway?: { calendar?: WorkingCalendar; timezone: string },
): DueWords {
  const due = Date.parse(dueAt);
  const diff = due - now;
  const abs = Math.abs(diff);
  const id = diff < 0 ? "due.overdue" : "due.in";
  const days = Math.floor(abs / 86_400_000);
  // Ahead: in working days, as the pathway counts its deadlines; late: in calendar days.
  if (diff > 0 && days >= 1 && pathway?.calendar) {
    const working = workingDaysBetween(now, due, pathway.calendar, pathway.timezone);
    if (working >= 1) return { id, unit: "unit.workingDays", count: working };
  }
  if (days >= 1) return { id, unit: "unit.days", count: days };
  const hours = Math.floor(abs / 3_600_000);
  if (hours >= 1) return { id, unit: "unit.hours", count: hours };
  return { id, unit: "unit.minutes", count: Math.max(1, Math.floor(abs / 60_000)) };
}

export function formatInZone(iso: string, language: string, timeZone: string | undefined): string {
  try {
    // Components rather than dateStyle/timeStyle: those cannot be combined with timeZoneName.
    return new Intl.DateTimeFormat(language, {
      year: "numeric",
      month: "short",
      day: "numeric",
      hour: "2-digit",
      minute: "2-digit",
      timeZone,
      timeZoneName: "short",
    }).format(new Date(iso));
  } catch {
    return new Date(iso).toISOString();
  }
}
