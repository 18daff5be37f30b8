/**
 * The one evaluator of the guard vocabulary. XState's named guards call it to decide, and the
 * explanations of refusals and allowed events (`branches.ts`) call it to say what holds, so a guard
 * and its explanation can never disagree.
 *
 * Explanations name fields and expected values, never actual values: event data and person
 * attributes may be personal, and refusals end up in responses and logs.
 */
import type { Condition, ConsentScope } from "@passerelle/definitions";
import { addDuration, formatDuration, parseInstant, type TimeSettings } from "./time.ts";
import type { ConsentRecord, Json, PersonAttributes } from "./types.ts";
import { daysInMonth, fromWall } from "./zone.ts";

/** Everything a condition can read. */
export interface ConditionScope {
  data: Record<string, Json>;
  facts: Record<string, Json>;
  person: PersonAttributes;
  consents: readonly ConsentRecord[];
  now: Date;
  settings: TimeSettings;
}

type Comparison = Extract<Condition, { op: string }>;

function read(path: string, scope: ConditionScope): unknown {
  const dot = path.indexOf(".");
  const root = path.slice(0, dot);
  const key = path.slice(dot + 1);
  const source: Record<string, unknown> =
    root === "data" ? scope.data : root === "facts" ? scope.facts : (scope.person as Record<string, unknown>);
  return Object.hasOwn(source, key) ? source[key] : undefined;
}

function isPresent(value: unknown): boolean {
  return value !== undefined && value !== null;
}

/** Orders numbers numerically and strings (ISO dates and instants) lexically; mixed types never compare. */
function order(left: unknown, right: unknown): number | undefined {
  if (typeof left === "number" && typeof right === "number") return left - right;
  if (typeof left === "string" && typeof right === "string") return left < right ? -1 : left > right ? 1 : 0;
  return undefined;
}

/**
 * A missing field is unequal to everything and in no list, so `ne`/`notIn` hold for it and ordered
 * comparisons fail.
 */
export function compare(c: Comparison, scope: ConditionScope): boolean {
  const actual = read(c.field, scope);
  switch (c.op) {
    case "exists":
      return isPresent(actual);
    case "notExists":
      return !isPresent(actual);
    case "eq":
      return actual === c.value;
    case "ne":
      return actual !== c.value;
    case "in":
      return Array.isArray(c.value) && (c.value as unknown[]).includes(actual);
    case "notIn":
      return !(Array.isArray(c.value) && (c.value as unknown[]).includes(actual));
    default: {
      const diff = order(actual, c.value);
      if (diff === undefined) return false;
      if (c.op === "gt") return diff > 0;
      if (c.op === "gte") return diff >= 0;
      if (c.op === "lt") return diff < 0;
      return diff <= 0;
    }
  }
}

/**
 * Minor at `now`, in the pathway's zone: under 18 by birth date, or — the child presumption of
 * CETS 197 art. 10(3) — when the birth date is missing, unparseable or marked uncertain.
 */
export function isMinor(person: PersonAttributes, now: Date, timezone: string): boolean {
  if (person.ageUncertain || !person.birthDate) return true;
  const adulthood = adulthoodAt(person.birthDate, timezone);
  return adulthood === undefined || adulthood > now.getTime();
}

const adulthoodCache = new Map<string, number | undefined>();

/** The instant (local midnight) of the 18th birthday; 29 February counts as 28 February. Cached. */
function adulthoodAt(birthDate: string, timezone: string): number | undefined {
  const key = `${birthDate}@${timezone}`;
  if (adulthoodCache.has(key)) return adulthoodCache.get(key);
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(birthDate);
  let instant: number | undefined;
  if (match) {
    const [year, month, day] = [Number(match[1]) + 18, Number(match[2]) - 1, Number(match[3])];
    const valid = month <= 11 && day >= 1 && day <= daysInMonth(year - 18, month);
    if (valid) instant = fromWall(timezone, Date.UTC(year, month, Math.min(day, daysInMonth(year, month))));
  }
  if (adulthoodCache.size > 10_000) adulthoodCache.clear();
  adulthoodCache.set(key, instant);
  return instant;
}

/** The latest record for the scope decides; on equal instants the one recorded later in the list wins. */
export function consentGiven(consents: readonly ConsentRecord[], scope: ConsentScope): boolean {
  let latest: ConsentRecord | undefined;
  let latestMs = Number.NEGATIVE_INFINITY;
  for (const record of consents) {
    if (record.scope !== scope) continue;
    const ms = Date.parse(record.at);
    if (ms >= latestMs) {
      latest = record;
      latestMs = ms;
    }
  }
  return latest?.given === true;
}

/** Whether at least `atLeast` has passed since the instant stored at `since`; false when it is missing. */
export function elapsed(
  since: string,
  atLeast: Extract<Condition, { elapsed: unknown }>["elapsed"]["atLeast"],
  scope: ConditionScope,
): boolean {
  const from = parseInstant(read(since, scope));
  if (!from) return false;
  return addDuration(from, atLeast, scope.settings).getTime() <= scope.now.getTime();
}

/** Evaluates a condition tree. */
export function evaluate(condition: Condition, scope: ConditionScope): boolean {
  if ("op" in condition) return compare(condition, scope);
  if ("isMinor" in condition)
    return isMinor(scope.person, scope.now, scope.settings.timezone) === condition.isMinor;
  if ("consent" in condition) return consentGiven(scope.consents, condition.consent);
  if ("elapsed" in condition) return elapsed(condition.elapsed.since, condition.elapsed.atLeast, scope);
  if ("all" in condition) return condition.all.every((c) => evaluate(c, scope));
  if ("any" in condition) return condition.any.some((c) => evaluate(c, scope));
  return !evaluate(condition.not, scope);
}

function formatValue(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(formatValue).join(", ")}]`;
  return typeof value === "string" ? `'${value}'` : String(value);
}

const OP_TEXT: Record<Comparison["op"], string> = {
  eq: "must be",
  ne: "must not be",
  in: "must be one of",
  notIn: "must not be one of",
  gt: "must be greater than",
  gte: "must be at least",
  lt: "must be less than",
  lte: "must be at most",
  exists: "must be recorded",
  notExists: "must not be recorded",
};

/** States what a condition requires, as a sentence fragment (used for diagrams and nested explanations). */
export function describe(condition: Condition): string {
  if ("op" in condition) {
    const tail = condition.value === undefined ? "" : ` ${formatValue(condition.value)}`;
    return `${condition.field} ${OP_TEXT[condition.op]}${tail}`;
  }
  if ("isMinor" in condition)
    return condition.isMinor ? "person is a minor (or of uncertain age)" : "person is an established adult";
  if ("consent" in condition) return `consent '${condition.consent}' given`;
  if ("elapsed" in condition)
    return `${condition.elapsed.since} + ${formatDuration(condition.elapsed.atLeast)} elapsed`;
  if ("all" in condition) return condition.all.map(describe).join(" and ");
  if ("any" in condition) return `(${condition.any.map(describe).join(" or ")})`;
  return `not (${describe(condition.not)})`;
}

/** Whether a condition reads the event's data anywhere in its tree. */
export function readsData(condition: Condition): boolean {
  if ("op" in condition) return condition.field.startsWith("data.");
  if ("elapsed" in condition) return condition.elapsed.since.startsWith("data.");
  if ("all" in condition) return condition.all.some(readsData);
  if ("any" in condition) return condition.any.some(readsData);
  if ("not" in condition) return readsData(condition.not);
  return false;
}
