import { z } from "zod";

/** An ISO 639-1 language code, as used in `languages` and in every label. */
export const LanguageCode = z
  .string()
  .regex(/^[a-z]{2}$/)
  .describe("ISO 639-1 language code, e.g. en, fr, vi");
export type LanguageCode = z.infer<typeof LanguageCode>;

/**
 * Text in each language the country works in. Lint checks that every language listed in the
 * pathway's `languages` is present.
 */
export const LocalizedText = z
  .record(LanguageCode, z.string().min(1))
  .refine((value) => Object.keys(value).length > 0, { message: "at least one language is required" })
  .describe("Text keyed by ISO 639-1 language code, one entry per language of the pathway");
export type LocalizedText = z.infer<typeof LocalizedText>;
