/**
 * Due times for people: in words ("due in 2 days", "overdue by 3 days") and as a date in the
 * pathway's time zone (the time zone the deadline was counted in), not the device's.
 */
export interface DueWords {
  /** Message id: due.in or due.overdue. */
  id: "due.in" | "due.overdue";
  /** Message id of the unit: unit.days, unit.hours or unit.minutes. */
  unit: "unit.days" | "unit.hours" | "unit.minutes";
  count: number;
}

export function dueWords(dueAt: string, now: number): DueWords {
  const diff = Date.parse(dueAt) - now;
  const abs = Math.abs(diff);
  const id = diff < 0 ? "due.overdue" : "due.in";
  const days = Math.floor(abs / 86_400_000);
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
