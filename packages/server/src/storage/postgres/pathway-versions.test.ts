/**
 * Pathway versions on PostgreSQL: stored, listed, a draft published, a changed published version
 * refused — also when two instances store conflicting files for it at the same moment. Real
 * PostgreSQL, a database of its own.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PathwayVersionRecord } from "../records.ts";
import { PathwayImmutabilityError } from "../sqlite/sqlite-case-store.ts";
import { migratePostgres, type OpenPostgres, openPostgres } from "./open.ts";
import { getPathwayVersion, listPathwayVersions, upsertPathwayVersions } from "./pathway-versions.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let database: TestDatabase;
let first: OpenPostgres;
let second: OpenPostgres;
beforeAll(async () => {
  database = await createTestDatabase();
  first = openPostgres(database.url);
  second = openPostgres(database.url);
  await migratePostgres(first.pool);
});
afterAll(async () => {
  await first?.pool.end();
  await second?.pool.end();
  await database?.drop();
});

const version = (
  country: string,
  v: number,
  hash: string,
  status: PathwayVersionRecord["status"] = "published",
): PathwayVersionRecord => ({
  country,
  version: v,
  status,
  hash,
  definition: { country, version: v, states: { a: { label: { en: "A" } } } },
  publishedAt: status === "published" ? "2026-03-01T00:00:00.000Z" : null,
});

describe("pathway versions on PostgreSQL", () => {
  it("stores, lists and reads versions; storing them again changes nothing", async () => {
    const versions = [version("NG", 1, "h-ng1"), version("GH", 2, "h-gh2"), version("GH", 1, "h-gh1")];
    await first.db.transaction((tx) => upsertPathwayVersions(tx, versions));
    await first.db.transaction((tx) => upsertPathwayVersions(tx, versions));
    expect((await listPathwayVersions(first.db)).map((v) => `${v.country}@${v.version}`)).toEqual([
      "GH@1",
      "GH@2",
      "NG@1",
    ]);
    expect((await listPathwayVersions(first.db, "GH")).map((v) => v.version)).toEqual([1, 2]);
    expect(await getPathwayVersion(first.db, "GH", 2)).toEqual(version("GH", 2, "h-gh2"));
    expect(await getPathwayVersion(first.db, "GH", 9)).toBeUndefined();
  });

  it("publishes a draft, and refuses a published version whose file changed", async () => {
    await first.db.transaction((tx) => upsertPathwayVersions(tx, [version("SN", 1, "draft-1", "draft")]));
    await first.db.transaction((tx) => upsertPathwayVersions(tx, [version("SN", 1, "draft-2", "draft")]));
    await first.db.transaction((tx) => upsertPathwayVersions(tx, [version("SN", 1, "final")]));
    expect(await getPathwayVersion(first.db, "SN", 1)).toMatchObject({ status: "published", hash: "final" });
    await expect(
      first.db.transaction((tx) => upsertPathwayVersions(tx, [version("SN", 1, "edited")])),
    ).rejects.toBeInstanceOf(PathwayImmutabilityError);
    expect(await getPathwayVersion(first.db, "SN", 1)).toMatchObject({ hash: "final" });
  });

  it("of two instances storing different files for one version at once, exactly one succeeds", async () => {
    for (let round = 1; round <= 8; round++) {
      const outcomes = await Promise.allSettled([
        first.db.transaction((tx) => upsertPathwayVersions(tx, [version("CI", round, `a-${round}`)])),
        second.db.transaction((tx) => upsertPathwayVersions(tx, [version("CI", round, `b-${round}`)])),
      ]);
      const refused = outcomes.filter((o) => o.status === "rejected");
      expect(refused).toHaveLength(1);
      expect((refused[0] as PromiseRejectedResult).reason).toBeInstanceOf(PathwayImmutabilityError);
      const winner = outcomes[0]!.status === "fulfilled" ? `a-${round}` : `b-${round}`;
      expect((await getPathwayVersion(first.db, "CI", round))?.hash).toBe(winner);
    }
  });
});
