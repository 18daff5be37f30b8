import type { EventSpec } from "@passerelle/definitions";

/**
 * Person fields that stay in the clear because national reports need them (CTDC-style anonymised
 * fields). Everything else given about a person — names, birth date, contacts, identity numbers,
 * addresses, notes, and any field this list does not know — is personal and is sealed. An allowlist,
 * so that a new field is protected until someone decides otherwise.
 */
export const QUERYABLE_PERSON_FIELDS = [
  "sex",
  "nationality",
  "ageBand",
  "ageUncertain",
  "exploitationTypes",
] as const;
export type QueryablePersonField = (typeof QUERYABLE_PERSON_FIELDS)[number];

const queryable = new Set<string>(QUERYABLE_PERSON_FIELDS);

/** A person record split into what may be stored in the clear and what must be sealed. */
export interface SplitRecord {
  clear: Record<string, unknown>;
  personal: Record<string, unknown>;
}

/** Split a person as given by a client into reportable attributes and personal data. */
export function splitPerson(person: Record<string, unknown>): SplitRecord {
  const clear: Record<string, unknown> = {};
  const personal: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(person)) {
    if (value === undefined) continue;
    (queryable.has(name) ? clear : personal)[name] = value;
  }
  return { clear, personal };
}

/**
 * Whether an event data field is personal: marked `personal`, or free text (always personal), or not
 * declared by the event at all (unknown means protected).
 */
export function isPersonalEventField(spec: EventSpec | undefined, field: string): boolean {
  const f = spec?.data[field];
  return !f || f.personal || f.type === "text";
}

/** Split an event's data by its specification. */
export function splitEventData(spec: EventSpec | undefined, data: Record<string, unknown>): SplitRecord {
  const clear: Record<string, unknown> = {};
  const personal: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(data)) {
    if (value === undefined) continue;
    (isPersonalEventField(spec, name) ? personal : clear)[name] = value;
  }
  return { clear, personal };
}

/** The birth date's age band (CTDC bands) at a given day; undefined without a birth date. */
export function ageBandOf(birthDate: string | undefined, on: Date): string | undefined {
  if (!birthDate) return undefined;
  const b = new Date(`${birthDate}T00:00:00Z`);
  let age = on.getUTCFullYear() - b.getUTCFullYear();
  const beforeBirthday =
    on.getUTCMonth() < b.getUTCMonth() ||
    (on.getUTCMonth() === b.getUTCMonth() && on.getUTCDate() < b.getUTCDate());
  if (beforeBirthday) age -= 1;
  if (age < 0) return undefined;
  const bands: Array<[number, string]> = [
    [9, "0--8"],
    [18, "9--17"],
    [21, "18--20"],
    [24, "21--23"],
    [27, "24--26"],
    [30, "27--29"],
    [39, "30--38"],
    [48, "39--47"],
  ];
  for (const [below, band] of bands) if (age < below) return band;
  return "48+";
}
