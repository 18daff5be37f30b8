import { z } from "zod";
import { FieldName, FieldSpec } from "./field.ts";
import { LocalizedText } from "./localized-text.ts";
import { ASSIGNEE_ROLES } from "./stages.ts";

/** Event type: SCREAMING_SNAKE_CASE, as clients send it. */
export const EventType = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*$/, { message: "event types are UPPER_SNAKE_CASE" });

/** An event a caseworker can send, with the data it needs. */
export const EventSpec = z
  .object({
    label: LocalizedText,
    description: LocalizedText.optional(),
    data: z.record(FieldName, FieldSpec).default({}).describe("The typed fields this event carries"),
    roles: z
      .array(z.enum(ASSIGNEE_ROLES))
      .optional()
      .describe(
        "Roles allowed to send it (default: caseworker and supervisor); supervisor-only marks an approval",
      ),
  })
  .strict();
export type EventSpec = z.infer<typeof EventSpec>;
