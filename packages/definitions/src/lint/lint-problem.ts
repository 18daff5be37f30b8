/** A problem a lint rule found in a pathway that the schema accepts. */
export interface LintProblem {
  /** The rule's id, e.g. `unknown-target`. */
  rule: string;
  /** Where, as `formatPath` writes it, e.g. `states.screening.on.SCREENED[1].target`. */
  path: string;
  message: string;
}
