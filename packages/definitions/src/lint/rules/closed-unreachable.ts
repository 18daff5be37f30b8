import { formatPath } from "../../problem.ts";
import { isClosedPath, isLeaf, reachableLeaves, stateMap, successors, walkStates } from "../../tree.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "closed-unreachable";

/**
 * A reachable state from which no `closed.*` outcome can ever be reached: cases there can never be
 * closed. Dead ends and final states are left to their own rules.
 */
export const closedUnreachable: LintRule = {
  id,
  summary: "a reachable state from which no `closed.*` outcome can be reached",
  check(pathway) {
    const leaves = walkStates(pathway).filter((s) => isLeaf(s.node));
    const next = new Map(leaves.map((s) => [s.path, successors(pathway, s.path)]));
    // Grow the set of leaves that can close, backwards from the closed outcomes, until it stops.
    const canClose = new Set(leaves.filter((s) => isClosedPath(s.path)).map((s) => s.path));
    for (let grew = true; grew; ) {
      grew = false;
      for (const [leaf, targets] of next) {
        if (!canClose.has(leaf) && [...targets].some((t) => canClose.has(t))) {
          canClose.add(leaf);
          grew = true;
        }
      }
    }
    const map = stateMap(pathway);
    return [...reachableLeaves(pathway)]
      .map((path) => map.get(path))
      .filter((s) => s !== undefined)
      .filter((s) => !isClosedPath(s.path) && s.node.type !== "final" && (next.get(s.path)?.size ?? 0) > 0)
      .filter((s) => !canClose.has(s.path))
      .map((s) => ({
        rule: id,
        path: formatPath(s.at),
        message: `a case in '${s.path}' can never be closed: no path leads from it to a closed outcome`,
      }));
  },
};
