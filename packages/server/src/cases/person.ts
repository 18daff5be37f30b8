/**
 * The person and identification a case is opened with, aligned with IOM's HTCDS 2.0 field names
 * (prs_*, cas_* referral fields) in camelCase. Personal data: stored in its own column, never
 * logged, never in lists or URLs; only the non-identifying attributes reach the engine.
 */
import { IDENTIFICATION_METHODS } from "@passerelle/definitions";
import type { PersonAttributes } from "@passerelle/engine";
import { z } from "zod";

/** The earliest birth date accepted: anything before is a typing error, not a person. */
export const EARLIEST_BIRTH_DATE = "1900-01-01";

/**
 * A birth date that can be true: not before 1900, not after today (UTC+14, the earliest calendar
 * day on Earth, so that a person born today anywhere is accepted). A wrong date is refused rather
 * than stored, because it decides who gets a child's safeguards.
 */
export const BirthDate = z.iso
  .date()
  .refine(
    (date) =>
      date >= EARLIEST_BIRTH_DATE && date <= new Date(Date.now() + 14 * 3_600_000).toISOString().slice(0, 10),
    { message: `must be a date from ${EARLIEST_BIRTH_DATE} to today` },
  );

export const Person = z
  .object({
    givenName: z.string().min(1).max(200).optional().describe("HTCDS prs_FirstName. Personal."),
    familyName: z.string().min(1).max(200).optional().describe("HTCDS prs_SecondName. Personal."),
    otherNames: z.string().max(200).optional().describe("HTCDS prs_MiddleName, aliases. Personal."),
    sex: z
      .enum(["female", "male", "intersex", "unknown"])
      .optional()
      .describe("Sex as recorded (guards may read it)"),
    gender: z
      .enum([
        "Feminine",
        "Masculine",
        "TransgenderFeminine",
        "TransgenderMasculine",
        "NonConforming",
        "NonSpecifiedUnknown",
      ])
      .optional()
      .describe("HTCDS prs_Gender picklist"),
    birthDate: BirthDate.optional().describe(
      "HTCDS prs_Birthdate (YYYY-MM-DD), from 1900-01-01 to today. Absent or uncertain: presumed a child",
    ),
    ageUncertain: z.boolean().optional().describe("The age is uncertain: the person is treated as a child"),
    nationality: z
      .string()
      .regex(/^[A-Z]{2}$/, { message: "must be an ISO 3166-1 alpha-2 code" })
      .optional()
      .describe("HTCDS prs_Citizenship, ISO 3166-1 alpha-2"),
    primaryLanguage: z.string().min(2).max(3).optional().describe("HTCDS prs_PrimaryLanguage, ISO 639 code"),
    identityNumber: z.string().max(100).optional().describe("HTCDS prs_IdentityNumber. Personal."),
    mobilePhone: z.string().max(50).optional().describe("HTCDS prs_MobilePhone. Personal."),
  })
  .strict()
  .describe("The presumed victim (HTCDS Person section). Personal data: encrypted at rest, never logged");
export type Person = z.infer<typeof Person>;

export const Identification = z
  .object({
    date: z.iso.date().describe("Date the person was identified (YYYY-MM-DD)"),
    agency: z
      .string()
      .min(1)
      .max(64)
      .describe("Id of the identifying agency in the pathway's `agencies`; owns the case"),
    method: z.enum(IDENTIFICATION_METHODS).describe("How the person was identified"),
    location: z
      .string()
      .max(200)
      .optional()
      .describe("Where (district, border post, city). No street address"),
    referralSource: z
      .string()
      .max(200)
      .optional()
      .describe("HTCDS cas_ReferringOrganisation: who referred the case, if anyone"),
    reasonForReferral: z
      .enum(["AdditionalServicesRequired", "MigrationOrChangeOfLocation", "Other"])
      .optional()
      .describe("HTCDS cas_ReasonForIncomingReferral"),
  })
  .strict()
  .describe("Where, how and by whom the person was identified; referral source");
export type Identification = z.infer<typeof Identification>;

/**
 * The same attributes, opened only when a guard reads one. Most events' guards read none, and
 * opening the person (a key derivation and a decryption) was the largest single cost of an event;
 * an absent attribute reads as undefined, which is how guards treat a missing one. Getters of an
 * object literal are own properties, as the engine's condition reader requires.
 */
export function lazyPersonAttributes(open: () => Record<string, unknown>): PersonAttributes {
  // State in an object rather than a closure: tsx names every closure it creates (a defineProperty
  // per call), and this runs twice per event.
  const source: LazySource = { open, attributes: undefined };
  return {
    get sex() {
      return opened(source).sex;
    },
    get nationality() {
      return opened(source).nationality;
    },
    get birthDate() {
      return opened(source).birthDate;
    },
    get ageUncertain() {
      return opened(source).ageUncertain;
    },
  };
}

interface LazySource {
  open: () => Record<string, unknown>;
  attributes: PersonAttributes | undefined;
}

function opened(source: LazySource): PersonAttributes {
  source.attributes ??= personAttributes(source.open());
  return source.attributes;
}

/** The non-identifying attributes guards may read. Names, contacts and numbers never reach the engine. */
export function personAttributes(person: Record<string, unknown>): PersonAttributes {
  const attributes: PersonAttributes = {};
  if (typeof person.sex === "string") attributes.sex = person.sex;
  if (typeof person.nationality === "string") attributes.nationality = person.nationality;
  if (typeof person.birthDate === "string") attributes.birthDate = person.birthDate;
  if (typeof person.ageUncertain === "boolean") attributes.ageUncertain = person.ageUncertain;
  return attributes;
}
