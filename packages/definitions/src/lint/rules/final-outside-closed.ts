import { formatPath } from "../../problem.ts";
import { isClosedPath, walkStates } from "../../tree.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "final-outside-closed";

/** A final state outside `closed`: a case would end without a recorded outcome. */
export const finalOutsideClosed: LintRule = {
  id,
  summary: "a `type: final` state outside `closed` (a case would end without an outcome)",
  check(pathway) {
    return walkStates(pathway)
      .filter((s) => s.node.type === "final" && !isClosedPath(s.path))
      .map((s) => ({
        rule: id,
        path: formatPath([...s.at, "type"]),
        message: `'${s.path}' is final but outside closed; only closed outcomes end a case`,
      }));
  },
};
