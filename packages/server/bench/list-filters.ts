/**
 * The case-list filters whose query plans `list-queries.ts` (SQLite) and `pg-list-queries.ts`
 * (PostgreSQL) print: the list URLs of the reads benchmark, for a caller of `agency`.
 */
import type { CaseFilter } from "../src/storage/case-store.ts";

export const listFilters = (agency: string): Partial<CaseFilter>[] => [
  {},
  { country: "GH" },
  ...["identification", "screening", "shelter", "reintegration", "closed"].map((stage) => ({
    country: "GH",
    stage,
  })),
  { country: "GH", overdue: true },
  { overdue: true },
  { assignee: `${agency}-caseworker-17` },
  { assignee: `${agency}-caseworker-23`, overdue: true },
  // Someone who owns no case of the agency: the referred part reads every live grant of the agency.
  { assignee: "nobody-here" },
  { stage: "closed", limit: 200 },
];
