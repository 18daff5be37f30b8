import { formatPath } from "../../problem.ts";
import { stateMap, walkTransitions } from "../../tree.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "unknown-target";

/** A transition target that names no state of the tree (targets are absolute dotted paths). */
export const unknownTarget: LintRule = {
  id,
  summary: "a transition `target` that is not the dotted path of a state in the tree",
  check(pathway) {
    const states = stateMap(pathway);
    return walkTransitions(pathway)
      .filter(({ transition }) => transition.target !== undefined && !states.has(transition.target))
      .map(({ transition, at }) => ({
        rule: id,
        path: formatPath([...at, "target"]),
        message: `target '${transition.target}' is not a state of this pathway (targets are full dotted paths from the top-level stage)`,
      }));
  },
};
