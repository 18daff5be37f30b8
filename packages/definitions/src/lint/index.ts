import type { Pathway } from "../pathway.ts";
import type { LintProblem } from "./lint-problem.ts";
import type { LintRule } from "./lint-rule.ts";
import { closedOutcomes } from "./rules/closed-outcomes.ts";
import { closedUnreachable } from "./rules/closed-unreachable.ts";
import { deadEndState } from "./rules/dead-end-state.ts";
import { duplicateTaskId } from "./rules/duplicate-task-id.ts";
import { enumValue } from "./rules/enum-value.ts";
import { finalOutsideClosed } from "./rules/final-outside-closed.ts";
import { missingTranslation } from "./rules/missing-translation.ts";
import { nulCharacter } from "./rules/nul-character.ts";
import { personalFact } from "./rules/personal-fact.ts";
import { TOP_LEVEL_STAGE, topLevelStage } from "./rules/top-level-stage.ts";
import { unassignedAgency } from "./rules/unassigned-agency.ts";
import { unknownAgency } from "./rules/unknown-agency.ts";
import { unknownEvent } from "./rules/unknown-event.ts";
import { unknownField } from "./rules/unknown-field.ts";
import { unknownFigure } from "./rules/unknown-figure.ts";
import { unknownTarget } from "./rules/unknown-target.ts";
import { unreachableState } from "./rules/unreachable-state.ts";
import { unusedEvent } from "./rules/unused-event.ts";

export type { LintProblem } from "./lint-problem.ts";
export type { LintRule } from "./lint-rule.ts";

/** Every rule run on a valid pathway, in the order their problems are listed. */
export const LINT_RULES: readonly LintRule[] = [
  unreachableState,
  deadEndState,
  closedUnreachable,
  unknownTarget,
  unknownEvent,
  unusedEvent,
  unknownField,
  personalFact,
  unknownFigure,
  unknownAgency,
  unassignedAgency,
  duplicateTaskId,
  missingTranslation,
  closedOutcomes,
  finalOutsideClosed,
  enumValue,
  nulCharacter,
];

/** The rule that reads the raw definition, because the schema refuses what it explains. */
export const RAW_LINT_RULES = [
  {
    id: TOP_LEVEL_STAGE,
    summary: "a top-level state that is not one of the fixed stage ids (they cannot be renamed)",
    check: topLevelStage,
  },
] as const;

/** Every problem the lint rules find in a pathway the schema accepts. */
export function lintPathway(pathway: Pathway): LintProblem[] {
  return LINT_RULES.flatMap((rule) => rule.check(pathway));
}

/** Problems only the raw (possibly schema-invalid) definition shows, with an explanation. */
export function lintRaw(raw: unknown): LintProblem[] {
  return RAW_LINT_RULES.flatMap((rule) => rule.check(raw));
}
