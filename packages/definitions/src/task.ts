import { z } from "zod";
import { Assignee } from "./assignee.ts";
import { Duration, DurationOrFigure } from "./duration.ts";
import { LocalizedText } from "./localized-text.ts";

export const TASK_KINDS = ["deadline", "followUp", "decision"] as const;

/** One rung of an escalation ladder: who is notified how long after the task fell due. */
export const EscalationStep = z
  .object({
    after: Duration.describe("Time after the due time (PT0S = at due)"),
    notify: Assignee.describe("Who is reminded or escalated to"),
  })
  .strict();
export type EscalationStep = z.infer<typeof EscalationStep>;

/** A repeating follow-up, such as reintegration monitoring visits. */
export const Repeat = z
  .object({
    every: Duration.describe("Interval between occurrences, after the first"),
    count: z.int().min(1).max(36).describe("Total number of occurrences, including the first"),
  })
  .strict();
export type Repeat = z.infer<typeof Repeat>;

/**
 * Work the pathway requires while a case is in a state. The engine turns it into a task with an
 * absolute due time when the state is entered, and cancels it when the state is left. Timers are
 * ours, never XState's in-memory delays.
 */
export const TaskSpec = z
  .object({
    id: z
      .string()
      .regex(/^[a-z][a-zA-Z0-9-]*$/)
      .describe("Unique within the pathway; names the task in every case's task list"),
    kind: z
      .enum(TASK_KINDS)
      .describe(
        "deadline: a legal or policy time limit; followUp: a visit or check; decision: a decision due",
      ),
    label: LocalizedText,
    due: DurationOrFigure.describe("Time from the anchor to the due time (or a cited figure)"),
    anchor: z
      .string()
      .regex(/^facts\.[a-z][A-Za-z0-9]*$/)
      .optional()
      .describe("A fact holding an ISO instant to count from; default: when the state was entered"),
    repeat: Repeat.optional(),
    assignee: Assignee.describe("Who must do it"),
    escalation: z.array(EscalationStep).min(1).describe("The reminder and escalation ladder, in order"),
  })
  .strict();
export type TaskSpec = z.infer<typeof TaskSpec>;
