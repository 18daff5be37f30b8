import type Database from "better-sqlite3";
import { type CaseCount, REPORTABLE, type Reportable, type StatsRepository } from "../stats-repository.ts";

const COLUMNS: Record<Reportable, string> = {
  stage: "stage",
  outcome: "outcome",
  sex: "sex",
  ageBand: "age_band",
  nationality: "nationality",
  agency: "agency",
  pathwayVersion: "pathway_version",
};

const SELECT = `SELECT ${REPORTABLE.map((d) => `${COLUMNS[d]} AS "${d}"`).join(", ")}, count(*) AS count FROM cases`;
const GROUP = ` GROUP BY ${REPORTABLE.map((_, i) => i + 1).join(", ")}`;

export class SqliteStatsRepository implements StatsRepository {
  private readonly s: ReturnType<typeof prepare>;

  constructor(sqlite: Database.Database) {
    this.s = prepare(sqlite);
  }

  async caseCounts(scope: { country?: string; agency?: string }): Promise<CaseCount[]> {
    if (scope.country === undefined) return this.s.all.all() as CaseCount[];
    if (scope.agency === undefined) return this.s.country.all(scope.country) as CaseCount[];
    return this.s.agency.all(scope.country, scope.agency) as CaseCount[];
  }
}

function prepare(sqlite: Database.Database) {
  return {
    all: sqlite.prepare(SELECT + GROUP),
    country: sqlite.prepare(`${SELECT} WHERE country = ?${GROUP}`),
    agency: sqlite.prepare(`${SELECT} WHERE country = ? AND agency = ?${GROUP}`),
  };
}
