/** Case counts on PostgreSQL: grouped by every reportable attribute, scoped by country and agency. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePostgres, type OpenPostgres, openPostgres } from "./open.ts";
import { cases } from "./schema/index.ts";
import { PostgresStatsRepository } from "./stats-repository.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let database: TestDatabase;
let store: OpenPostgres;
beforeAll(async () => {
  database = await createTestDatabase();
  store = openPostgres(database.url);
  await migratePostgres(store.pool);
  const base = {
    pathwayVersion: 1,
    state: "s",
    snapshot: "{}",
    revision: 1,
    createdAt: "2026-03-02T09:00:00.000Z",
    updatedAt: "2026-03-02T09:00:00.000Z",
  };
  await store.db.insert(cases).values([
    {
      ...base,
      id: "c1",
      country: "GH",
      stage: "identification",
      agency: "police",
      sex: "female",
      ageBand: "18-20",
    },
    {
      ...base,
      id: "c2",
      country: "GH",
      stage: "identification",
      agency: "police",
      sex: "female",
      ageBand: "18-20",
    },
    {
      ...base,
      id: "c3",
      country: "GH",
      stage: "closed",
      agency: "shelter",
      sex: null,
      outcome: "reintegrated",
    },
    {
      ...base,
      id: "c4",
      country: "NG",
      stage: "identification",
      agency: "police",
      sex: "male",
      pathwayVersion: 2,
    },
  ]);
});
afterAll(async () => {
  await store?.pool.end();
  await database?.drop();
});

const sorted = <T extends { count: number }>(rows: T[]) =>
  [...rows].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));

describe("case counts on PostgreSQL", () => {
  const stats = () => new PostgresStatsRepository(store.db);

  it("groups a country's cases by every reportable attribute, counts as numbers", async () => {
    expect(sorted(await stats().caseCounts({ country: "GH" }))).toEqual(
      sorted([
        {
          stage: "identification",
          outcome: null,
          sex: "female",
          ageBand: "18-20",
          nationality: null,
          agency: "police",
          pathwayVersion: 1,
          count: 2,
        },
        {
          stage: "closed",
          outcome: "reintegrated",
          sex: null,
          ageBand: null,
          nationality: null,
          agency: "shelter",
          pathwayVersion: 1,
          count: 1,
        },
      ]),
    );
  });

  it("scopes to one agency, or counts every country", async () => {
    expect((await stats().caseCounts({ country: "GH", agency: "shelter" })).map((r) => r.count)).toEqual([1]);
    const all = await stats().caseCounts({});
    expect(all.reduce((n, r) => n + r.count, 0)).toBe(4);
    expect(all.find((r) => r.pathwayVersion === 2)).toMatchObject({ sex: "male", count: 1 });
  });
});
