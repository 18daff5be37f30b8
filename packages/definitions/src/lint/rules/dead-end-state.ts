import { formatPath } from "../../problem.ts";
import { isClosedPath, isLeaf, successors, walkStates } from "../../tree.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "dead-end-state";

/**
 * A leaf that is not final and has no transition to another state, counting its ancestors' `on` and
 * `anywhere`: a case there would be stuck forever. Leaves under `closed` are left to `closed-outcomes`.
 */
export const deadEndState: LintRule = {
  id,
  summary: "a non-final leaf with no transition (own, inherited or `anywhere`) leading anywhere else",
  check(pathway) {
    return walkStates(pathway)
      .filter((s) => isLeaf(s.node) && s.node.type !== "final" && !isClosedPath(s.path))
      .filter((s) => successors(pathway, s.path).size === 0)
      .map((s) => ({
        rule: id,
        path: formatPath(s.at),
        message: `a case in '${s.path}' is stuck: no transition leads out of it`,
      }));
  },
};
