/** Problem responses shared by the route schemas (one per status an operation can return). */
import { Problem } from "../errors/problem.ts";

export const problems = <S extends number>(...statuses: S[]) =>
  Object.fromEntries(
    statuses.map((s) => [s, Problem.describe(`Problem (status ${s}); see docs/errors.md`)]),
  ) as Record<S, typeof Problem>;
