/** Case counts for the committee's statistics, in PostgreSQL (see `../stats-repository.ts`). */
import { type SQL, sql } from "drizzle-orm";
import { type CaseCount, REPORTABLE, type Reportable, type StatsRepository } from "../stats-repository.ts";
import type { PgDb, PgTx } from "./open.ts";

const COLUMNS: Record<Reportable, string> = {
  stage: "stage",
  outcome: "outcome",
  sex: "sex",
  ageBand: "age_band",
  nationality: "nationality",
  agency: "agency",
  pathwayVersion: "pathway_version",
};

// `count(*)` is a bigint, which node-postgres returns as a string: a country's cases fit an int.
const SELECT = sql.raw(
  `SELECT ${REPORTABLE.map((d) => `${COLUMNS[d]} AS "${d}"`).join(", ")}, count(*)::int AS count FROM cases`,
);
const GROUP = sql.raw(` GROUP BY ${REPORTABLE.map((_, i) => i + 1).join(", ")}`);

export class PostgresStatsRepository implements StatsRepository {
  constructor(private readonly db: PgDb | PgTx) {}

  async caseCounts(scope: { country?: string; agency?: string }): Promise<CaseCount[]> {
    let where: SQL = sql``;
    if (scope.country !== undefined) where = sql` WHERE country = ${scope.country}`;
    if (scope.country !== undefined && scope.agency !== undefined)
      where = sql` WHERE country = ${scope.country} AND agency = ${scope.agency}`;
    const result = await this.db.execute<CaseCount>(sql`${SELECT}${where}${GROUP}`);
    return result.rows;
  }
}
