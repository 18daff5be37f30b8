import { z } from "zod";
import { Duration } from "./duration.ts";
import { EventSpec, EventType } from "./event.ts";
import { LanguageCode, LocalizedText } from "./localized-text.ts";
import { Agency, Calendar, Figure, Source, UnconfirmedFact } from "./metadata.ts";
import { STAGE_IDS } from "./stages.ts";
import { StateNode } from "./state.ts";
import { TransitionList } from "./transition.ts";

/** ISO 3166-1 alpha-2 country code, or INTL for the international baseline pathway. */
export const CountryCode = z
  .string()
  .regex(/^([A-Z]{2}|INTL)$/, { message: "must be an ISO 3166-1 alpha-2 code (e.g. GH) or INTL" })
  .describe("ISO 3166-1 alpha-2 country code, or INTL for the international baseline");
export type CountryCode = z.infer<typeof CountryCode>;

const stageShape = Object.fromEntries(STAGE_IDS.map((id) => [id, StateNode.optional()])) as {
  [K in (typeof STAGE_IDS)[number]]: z.ZodOptional<typeof StateNode>;
};

/**
 * A country's referral pathway, one version: data only, no code. Cases are pinned to the version
 * they were created on; a published version never changes (its content hash is locked).
 */
export const Pathway = z
  .object({
    $schema: z.string().optional().describe("Path or URL of pathway.schema.json, for editor completion"),
    schemaVersion: z
      .union([z.literal(1), z.literal(2)])
      .describe(
        "Version of this definition format: 2 for new files (lint also requires every agency to be given work); 1 for files published before",
      ),
    country: CountryCode,
    version: z.int().min(1).describe("Pathway version; a new version for any change to a published one"),
    status: z.enum(["draft", "published"]).describe("Only published versions accept new cases"),
    effectiveDate: z.iso.date().describe("Date (YYYY-MM-DD) from which this version applies to new cases"),
    title: LocalizedText,
    summary: LocalizedText.optional(),
    languages: z
      .array(LanguageCode)
      .min(1)
      .describe("Languages every label must be given in; the first is the default"),
    timezone: z
      .string()
      .min(1)
      .describe("IANA time zone in which working days are counted, e.g. Africa/Accra"),
    calendar: Calendar.default({ weekend: [6, 7], holidays: [] }),
    sources: z.array(Source).min(1).describe("Legal texts and guidance the pathway relies on"),
    figures: z
      .record(z.string().regex(/^[a-z][A-Za-z0-9]*$/), Figure)
      .default({})
      .describe("Cited durations, by id"),
    defaults: z
      .array(UnconfirmedFact)
      .optional()
      .describe("Facts other than figures that no source confirmed: committee defaults to be checked"),
    agencies: z.array(Agency).min(1).describe("Agencies taking part"),
    retention: z
      .object({
        personalDataAfterClosure: Duration.describe(
          "How long personal data of a closed case is kept before erasure",
        ),
        source: z.string().optional().describe("Id of the source that sets it, if any"),
      })
      .strict()
      .optional()
      .describe("Retention of personal data of closed cases"),
    events: z.record(EventType, EventSpec).describe("Every event the pathway's states handle"),
    anywhere: z
      .record(EventType, TransitionList)
      .optional()
      .describe("Transitions available from every state that is not closed (e.g. lost contact, deceased)"),
    states: z
      .object(stageShape)
      .strict()
      .describe("The fixed top-level stages, each refined with sub-states"),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (!p.states.identification)
      ctx.addIssue({
        code: "custom",
        path: ["states", "identification"],
        message: "every pathway starts in identification",
      });
    if (!p.states.closed)
      ctx.addIssue({ code: "custom", path: ["states", "closed"], message: "every pathway needs closed" });
  })
  .describe("A National Referral Mechanism pathway, one country, one version");
export type Pathway = z.infer<typeof Pathway>;
export type PathwayInput = z.input<typeof Pathway>;
