import { formatPath } from "../../problem.ts";
import { CLOSED_OUTCOMES } from "../../stages.ts";
import { walkStates } from "../../tree.ts";
import type { LintProblem } from "../lint-problem.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "closed-outcomes";

/**
 * `closed` records why a case ended: its children are final states named from the fixed outcome
 * list, so that national reports count outcomes alike.
 */
export const closedOutcomes: LintRule = {
  id,
  summary: `\`closed\` children must be final states named from ${CLOSED_OUTCOMES.join(", ")}`,
  check(pathway) {
    const closed = pathway.states.closed;
    if (!closed) return [];
    if (!closed.states) {
      return [
        {
          rule: id,
          path: "states.closed",
          message: `closed needs its outcomes as final sub-states (${CLOSED_OUTCOMES.join(", ")})`,
        },
      ];
    }
    const outcomes: readonly string[] = CLOSED_OUTCOMES;
    const problems: LintProblem[] = [];
    for (const state of walkStates(pathway).filter((s) => s.parent === "closed")) {
      if (!outcomes.includes(state.key)) {
        problems.push({
          rule: id,
          path: formatPath(state.at),
          message: `'${state.key}' is not a closed outcome; use one of ${CLOSED_OUTCOMES.join(", ")}`,
        });
      }
      if (state.node.type !== "final") {
        problems.push({
          rule: id,
          path: formatPath(state.at),
          message: `closed outcome '${state.key}' must be \`type: final\``,
        });
      }
    }
    return problems;
  },
};
