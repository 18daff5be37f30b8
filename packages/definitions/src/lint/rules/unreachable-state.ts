import { formatPath } from "../../problem.ts";
import { reachableLeaves, selfAndAncestors, walkStates } from "../../tree.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "unreachable-state";

/**
 * A state no case can ever enter from `identification` (following transitions, `anywhere` and initial
 * children, whatever the guards). Only the topmost unreachable state is reported, not each child.
 */
export const unreachableState: LintRule = {
  id,
  summary: "a state that no transition, `anywhere` entry or initial child leads to from the initial state",
  check(pathway) {
    const reachable = new Set([...reachableLeaves(pathway)].flatMap(selfAndAncestors));
    return walkStates(pathway)
      .filter((s) => !reachable.has(s.path) && (s.parent === undefined || reachable.has(s.parent)))
      .map((s) => ({
        rule: id,
        path: formatPath(s.at),
        message: `no case can reach '${s.path}': no transition leads to it from identification`,
      }));
  },
};
