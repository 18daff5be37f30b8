/**
 * Counts for the committee's statistics: cases grouped by every reportable attribute at once (the
 * finest grouping), which the statistics route cuts into breakdowns and protects
 * (`policy/small-cells.ts`). Counts only: no case id, no personal value.
 */

/** The reportable attributes of a case, as the statistics name them. */
export const REPORTABLE = [
  "stage",
  "outcome",
  "sex",
  "ageBand",
  "nationality",
  "agency",
  "pathwayVersion",
] as const;
export type Reportable = (typeof REPORTABLE)[number];

export type CaseCount = Record<Reportable, string | number | null> & { count: number };

export interface StatsRepository {
  /** Cases of a country (optionally owned by one agency), counted per combination of attributes. */
  caseCounts(scope: { country?: string; agency?: string }): Promise<CaseCount[]>;
}
