import { z } from "zod";
import { Condition } from "./condition.ts";
import { FieldName } from "./field.ts";
import { LocalizedText } from "./localized-text.ts";

/** A dotted path from the root to a state, e.g. `screening.childAssessment` or `closed.referredOut`. */
export const StatePath = z
  .string()
  .regex(/^[a-z][A-Za-z0-9]*(\.[a-z][A-Za-z0-9]*)*$/, {
    message: "must be a dotted state path such as screening.interview",
  })
  .describe("Absolute dotted path of a state, from its top-level stage");

/**
 * What an event does in a state. Without `target` the case stays where it is (the event is still
 * recorded in the history and may record facts).
 */
export const Transition = z
  .object({
    target: StatePath.optional().describe("The state entered; a compound state enters its `initial` child"),
    guard: Condition.optional().describe("Condition that must hold; otherwise the next candidate is tried"),
    record: z.array(FieldName).optional().describe("Event data fields copied into the case facts"),
    stamp: z
      .array(FieldName)
      .optional()
      .describe("Facts set to the time of the event (e.g. reasonableGroundsAt)"),
    description: LocalizedText.optional().describe("Why this transition exists; shown in diagrams and docs"),
  })
  .strict();
export type Transition = z.infer<typeof Transition>;

/** One transition, or candidates tried in order (the first whose guard holds is taken). */
export const TransitionList = z.union([Transition, z.array(Transition).min(1)]);
export type TransitionList = z.infer<typeof TransitionList>;
