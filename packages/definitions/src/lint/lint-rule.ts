import type { Pathway } from "../pathway.ts";
import type { LintProblem } from "./lint-problem.ts";

/** A lint rule: a pure function of a valid pathway, reporting each problem at its exact path. */
export interface LintRule {
  id: string;
  /** One line for the authoring guide and `--help`. */
  summary: string;
  check(pathway: Pathway): LintProblem[];
}
