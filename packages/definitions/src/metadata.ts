import { z } from "zod";
import { Duration } from "./duration.ts";
import { LocalizedText } from "./localized-text.ts";

/** A legal text or official guidance that a figure or rule of the pathway relies on. */
export const Source = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/)
      .describe("Short id that figures refer to"),
    title: z.string().min(1).describe("Citation: instrument, article or section, year"),
    url: z.url().optional().describe("Where the text can be read"),
  })
  .strict();
export type Source = z.infer<typeof Source>;

/**
 * A number the pathway depends on (a deadline, a period). Every figure says whether it is law,
 * official guidance, or a configurable default that no law fixes — and cites its source unless it
 * is a default.
 */
export const Figure = z
  .object({
    value: Duration.describe("The duration"),
    basis: z
      .enum(["law", "guidance", "default"])
      .describe("law or guidance (cite `source`), or a default that no text fixes"),
    source: z.string().optional().describe("Id of the source in `sources`; required unless basis is default"),
    note: z.string().optional().describe("What exactly the source says, or why this default was chosen"),
  })
  .strict()
  .superRefine((f, ctx) => {
    if (f.basis !== "default" && !f.source)
      ctx.addIssue({ code: "custom", path: ["source"], message: `a ${f.basis} figure must cite a source` });
  });
export type Figure = z.infer<typeof Figure>;

/** An agency that takes part in the pathway. */
export const Agency = z
  .object({
    id: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/)
      .describe("Short id used in assignees"),
    name: LocalizedText,
    kind: z
      .enum(["government", "ngo", "international", "community"])
      .describe("Type of organisation (HTCDS org_Type family)"),
  })
  .strict();
export type Agency = z.infer<typeof Agency>;

/** Working-day calendar: which ISO weekdays are not worked, and public holidays. */
export const Calendar = z
  .object({
    weekend: z
      .array(z.int().min(1).max(7))
      .default([6, 7])
      .describe("ISO weekday numbers not worked (6 = Saturday, 7 = Sunday)"),
    holidays: z
      .array(z.iso.date())
      .default([])
      .describe("Public holidays (YYYY-MM-DD) skipped when counting working days"),
  })
  .strict();
export type Calendar = z.infer<typeof Calendar>;

/**
 * A fact of the pathway other than a figure (an agency's name or remit, a channel, a body that
 * may have changed) that no source confirmed: the committee's default, kept visible so that
 * reviewers check it rather than read it as law.
 */
export const UnconfirmedFact = z
  .object({
    about: z
      .string()
      .min(1)
      .describe("What the default is about: a path in the definition, e.g. agencies.police"),
    note: z.string().min(1).describe("What is assumed, and what could not be confirmed"),
  })
  .strict();
export type UnconfirmedFact = z.infer<typeof UnconfirmedFact>;
