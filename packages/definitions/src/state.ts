import { z } from "zod";
import { Assignee } from "./assignee.ts";
import { EventType } from "./event.ts";
import { LocalizedText } from "./localized-text.ts";
import { TaskSpec } from "./task.ts";
import { TransitionList } from "./transition.ts";

export type StateNode = {
  label: LocalizedText;
  description?: LocalizedText;
  type?: "final";
  initial?: string;
  states?: Record<string, StateNode>;
  on?: Record<string, TransitionList>;
  tasks?: TaskSpec[];
  responsible?: Assignee[];
};

/** State key: camelCase. The dotted path of keys from the root names the state. */
export const StateKey = z.string().regex(/^[a-z][A-Za-z0-9]*$/, { message: "state keys are camelCase" });

/**
 * A state of the pathway. A compound state has `states` and an `initial` child; an atomic state has
 * neither. Only the outcomes under `closed` are final. Parallel states are not part of v1: a case is
 * always in exactly one leaf state, which keeps lists, reports and migrations simple.
 */
export const StateNode: z.ZodType<StateNode> = z
  .lazy(() =>
    z
      .object({
        label: LocalizedText,
        description: LocalizedText.optional(),
        type: z.literal("final").optional().describe("Only the outcome states under `closed` are final"),
        initial: z.string().optional().describe("Child entered first; required when `states` is present"),
        states: z.record(StateKey, StateNode).optional().describe("Sub-states"),
        on: z
          .record(EventType, TransitionList)
          .optional()
          .describe("Events handled in this state and its children"),
        tasks: z
          .array(TaskSpec)
          .optional()
          .describe("Deadlines and follow-ups while the case is in this state"),
        responsible: z
          .array(Assignee)
          .optional()
          .describe("Agency roles responsible for cases in this state"),
      })
      .strict()
      .superRefine((node, ctx) => {
        if (node.states && !node.initial)
          ctx.addIssue({
            code: "custom",
            path: ["initial"],
            message: "a state with sub-states needs `initial`",
          });
        if (!node.states && node.initial)
          ctx.addIssue({ code: "custom", path: ["initial"], message: "`initial` needs `states`" });
        if (node.states && node.initial && !(node.initial in node.states)) {
          ctx.addIssue({
            code: "custom",
            path: ["initial"],
            message: `initial '${node.initial}' is not one of the sub-states`,
          });
        }
        if (node.type === "final" && (node.states || node.on)) {
          ctx.addIssue({
            code: "custom",
            path: ["type"],
            message: "a final state has no sub-states and no events",
          });
        }
      }),
  )
  .describe("A state: atomic, compound (with sub-states) or final (closed outcomes only)");
