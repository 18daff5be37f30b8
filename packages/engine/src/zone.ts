/**
 * Wall-clock arithmetic in an IANA time zone, without allocating a date object per operation.
 *
 * Luxon is the reference (durations are parsed with it, and `time.test.ts` checks this module
 * against it on thousands of random instants), but a luxon `DateTime` asks `Intl` for the zone
 * offset on every operation, which made deadline arithmetic most of the cost of a step. Here the
 * offset is asked at most a few times per UTC day and cached. A day whose start and end have the
 * same offset is taken to have that offset throughout (no zone changes its offset and back within
 * a day); a day with a change is resolved per 15-minute bucket, exact because since 1970 every
 * zone's offsets and transitions fall on 15-minute boundaries.
 *
 * A "wall" instant is milliseconds whose UTC fields are the local fields (e.g. 09:00 in Accra and
 * 09:00 in London are the same wall value): adding days to it never crosses a DST change.
 */

const BUCKET_MS = 15 * 60_000;
const MAX_CACHED = 100_000;
const DAY_MS = 86_400_000;

interface ZoneCache {
  format: Intl.DateTimeFormat;
  /** By UTC day: the day's offset, or null when it changes during the day. */
  days: Map<number, number | null>;
  /** By 15-minute bucket, for days with a change. */
  offsets: Map<number, number>;
}

const zones = new Map<string, ZoneCache>();

function zoneCache(zone: string): ZoneCache {
  let cache = zones.get(zone);
  if (!cache) {
    const format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
      era: "short",
    });
    cache = { format, days: new Map(), offsets: new Map() };
    zones.set(zone, cache);
  }
  return cache;
}

function computeOffset(format: Intl.DateTimeFormat, ts: number): number {
  const fields: Record<string, number> = {};
  let bc = false;
  for (const part of format.formatToParts(new Date(ts))) {
    if (part.type === "era") bc = part.value.startsWith("B");
    else if (part.type !== "literal") fields[part.type] = Number(part.value);
  }
  const year = bc ? 1 - fields.year! : fields.year!;
  const wall = Date.UTC(year, fields.month! - 1, fields.day!, fields.hour!, fields.minute!, fields.second!);
  const whole = ts - (((ts % 1000) + 1000) % 1000);
  return wall - whole;
}

/** Offset of the zone from UTC at an instant, in milliseconds. */
export function offsetAt(zone: string, ts: number): number {
  const cache = zoneCache(zone);
  const day = Math.floor(ts / DAY_MS);
  let dayOffset = cache.days.get(day);
  if (dayOffset === undefined) {
    const start = computeOffset(cache.format, day * DAY_MS);
    const end = computeOffset(cache.format, (day + 1) * DAY_MS - 1000);
    dayOffset = start === end ? start : null;
    if (cache.days.size >= MAX_CACHED) cache.days.clear();
    cache.days.set(day, dayOffset);
  }
  if (dayOffset !== null) return dayOffset;
  const bucket = Math.floor(ts / BUCKET_MS);
  let offset = cache.offsets.get(bucket);
  if (offset === undefined) {
    offset = computeOffset(cache.format, bucket * BUCKET_MS);
    if (cache.offsets.size >= MAX_CACHED) cache.offsets.clear();
    cache.offsets.set(bucket, offset);
  }
  return offset;
}

export const toWall = (zone: string, ts: number): number => ts + offsetAt(zone, ts);

/**
 * The instant of a wall time, given a guess of its offset (luxon's algorithm): in a DST gap the
 * wall time does not exist and is moved forward; in an overlap the earlier instant is kept.
 */
export function fromWall(zone: string, wall: number, guess: number = offsetAt(zone, wall)): number {
  let ts = wall - guess;
  const o2 = offsetAt(zone, ts);
  if (o2 === guess) return ts;
  ts -= o2 - guess;
  const o3 = offsetAt(zone, ts);
  if (o2 === o3) return ts;
  return wall - Math.min(o2, o3);
}

export function daysInMonth(year: number, monthIndex: number): number {
  return new Date(Date.UTC(year, monthIndex + 1, 0)).getUTCDate();
}

/** Calendar and clock parts of a duration, as luxon's `Duration#toObject` gives them. */
export interface DurationParts {
  years?: number;
  months?: number;
  weeks?: number;
  days?: number;
  hours?: number;
  minutes?: number;
  seconds?: number;
  milliseconds?: number;
}

/**
 * Adds `times` × the duration to an instant like luxon's `plus`: years, months, weeks and days
 * move the local calendar (the day clamped to the month's length), hours and smaller are elapsed
 * time added afterwards.
 */
export function plus(zone: string, ts: number, parts: DurationParts, times = 1): number {
  let result = ts;
  const years = (parts.years ?? 0) * times;
  const months = (parts.months ?? 0) * times;
  const days = ((parts.weeks ?? 0) * 7 + (parts.days ?? 0)) * times;
  if (years !== 0 || months !== 0 || days !== 0) {
    const offset = offsetAt(zone, ts);
    const local = new Date(ts + offset);
    const monthTotal = local.getUTCFullYear() * 12 + local.getUTCMonth() + years * 12 + months;
    const year = Math.floor(monthTotal / 12);
    const monthIndex = monthTotal - year * 12;
    const day = Math.min(local.getUTCDate(), daysInMonth(year, monthIndex)) + days;
    const wall = Date.UTC(
      year,
      monthIndex,
      day,
      local.getUTCHours(),
      local.getUTCMinutes(),
      local.getUTCSeconds(),
      local.getUTCMilliseconds(),
    );
    result = fromWall(zone, wall, offset);
  }
  const clock =
    ((parts.hours ?? 0) * 3_600_000 +
      (parts.minutes ?? 0) * 60_000 +
      (parts.seconds ?? 0) * 1000 +
      (parts.milliseconds ?? 0)) *
    times;
  return result + clock;
}

/** Epoch day number of a wall instant (days since 1970-01-01 local). */
export const wallDay = (wall: number): number => Math.floor(wall / DAY_MS);

/** ISO weekday (1 = Monday … 7 = Sunday) of a wall instant. */
export const wallWeekday = (wall: number): number => ((((wallDay(wall) + 3) % 7) + 7) % 7) + 1;

/** Epoch day number of a YYYY-MM-DD date. */
export function dayNumber(isoDate: string): number {
  return Math.floor(Date.parse(`${isoDate}T00:00:00Z`) / DAY_MS);
}

/**
 * Steps forward one local day at a time, counting days for which `isWorking` holds, until `count`
 * are counted; the local time of day is kept.
 */
export function plusWorkingDays(
  zone: string,
  ts: number,
  count: number,
  isWorking: (day: number, weekday: number) => boolean,
): number {
  if (count <= 0) return ts;
  const offset = offsetAt(zone, ts);
  let wall = ts + offset;
  let counted = 0;
  while (counted < count) {
    wall += DAY_MS;
    if (isWorking(wallDay(wall), wallWeekday(wall))) counted++;
  }
  return fromWall(zone, wall, offset);
}
