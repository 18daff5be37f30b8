import { formatPath } from "../../problem.ts";
import { STAGE_IDS } from "../../stages.ts";
import type { LintProblem } from "../lint-problem.ts";

export const TOP_LEVEL_STAGE = "top-level-stage";

/** Why a top-level key is refused, shared with the parser so both say the same thing. */
export function topLevelStageMessage(key: string): string {
  return `'${key}' is not a top-level stage: top-level ids cannot be renamed, so that reports and cross-border referrals compare like with like; use one of ${STAGE_IDS.join(", ")} and refine it with sub-states`;
}

/**
 * Top-level states must be the fixed stage ids. The schema already refuses other keys, so this rule
 * reads the raw (unvalidated) definition to explain why.
 */
export function topLevelStage(raw: unknown): LintProblem[] {
  if (typeof raw !== "object" || raw === null) return [];
  const states = (raw as { states?: unknown }).states;
  if (typeof states !== "object" || states === null || Array.isArray(states)) return [];
  const allowed: readonly string[] = STAGE_IDS;
  return Object.keys(states)
    .filter((key) => !allowed.includes(key))
    .map((key) => ({
      rule: TOP_LEVEL_STAGE,
      path: formatPath(["states", key]),
      message: topLevelStageMessage(key),
    }));
}
