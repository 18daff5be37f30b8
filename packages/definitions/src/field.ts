import { z } from "zod";
import { LocalizedText } from "./localized-text.ts";

export const FIELD_TYPES = [
  "string",
  "text",
  "boolean",
  "integer",
  "number",
  "date",
  "datetime",
  "enum",
  "enumList",
] as const;

/**
 * One field of an event's data. The engine turns each event's fields into a JSON Schema that clients
 * see in `allowedEvents` and that every event is validated against.
 */
export const FieldSpec = z
  .object({
    type: z
      .enum(FIELD_TYPES)
      .describe(
        "string: short text; text: free text (always personal); date: YYYY-MM-DD; datetime: ISO 8601 instant; enum: one of `values`; enumList: several of `values`",
      ),
    label: LocalizedText.describe("What a form shows for this field"),
    description: LocalizedText.optional().describe("Help text for the person filling it in"),
    required: z.boolean().default(false).describe("Whether the event is refused without this field"),
    values: z.array(z.string().min(1)).min(1).optional().describe("Allowed values, for enum and enumList"),
    valueLabels: z
      .record(z.string(), LocalizedText)
      .optional()
      .describe("Label of each value, keyed by value"),
    min: z.number().optional().describe("Smallest allowed value, for integer and number"),
    max: z.number().optional().describe("Largest allowed value, for integer and number"),
    maxLength: z.int().positive().optional().describe("Longest allowed string, for string and text"),
    personal: z
      .boolean()
      .default(false)
      .describe(
        "Personal data: encrypted at rest, never logged, never copied into case facts. `text` fields are always personal.",
      ),
  })
  .strict()
  .superRefine((field, ctx) => {
    const needsValues = field.type === "enum" || field.type === "enumList";
    if (needsValues && !field.values) {
      ctx.addIssue({ code: "custom", path: ["values"], message: `a ${field.type} field needs values` });
    }
    if (!needsValues && field.values) {
      ctx.addIssue({ code: "custom", path: ["values"], message: `values only apply to enum and enumList` });
    }
  })
  .describe("A typed field of an event's data");
export type FieldSpec = z.infer<typeof FieldSpec>;

/** Field name: camelCase, so that it is a safe JSON property and fact name. */
export const FieldName = z.string().regex(/^[a-z][A-Za-z0-9]*$/, { message: "field names are camelCase" });
