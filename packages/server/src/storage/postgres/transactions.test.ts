/**
 * Two transactions that lock the same two rows in opposite orders deadlock; PostgreSQL aborts one,
 * and `inTransaction` runs it again: both complete, each write once. Real PostgreSQL.
 */
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePostgres, type OpenPostgres, openPostgres, type PgTx } from "./open.ts";
import { cases } from "./schema/index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";
import { inTransaction, isRetryable } from "./transactions.ts";

let database: TestDatabase;
let store: OpenPostgres;
beforeAll(async () => {
  database = await createTestDatabase();
  store = openPostgres(database.url);
  await migratePostgres(store.pool);
  const row = (id: string) => ({
    id,
    country: "GH",
    pathwayVersion: 1,
    stage: "s",
    state: "s",
    snapshot: "{}",
    revision: 1,
    createdAt: "2026-03-02T09:00:00.000Z",
    updatedAt: "2026-03-02T09:00:00.000Z",
  });
  await store.db.insert(cases).values([row("a"), row("b")]);
});
afterAll(async () => {
  await store?.pool.end();
  await database?.drop();
});

/** Both transactions hold their first row before either asks for its second. */
function crossing(): {
  work: (first: string, second: string) => (tx: PgTx) => Promise<void>;
  runs: string[];
} {
  const runs: string[] = [];
  let holding = 0;
  let bothHold: () => void = () => {};
  const together = new Promise<void>((resolve) => (bothHold = resolve));
  const work = (first: string, second: string) => async (tx: PgTx) => {
    runs.push(first);
    const bump = (id: string) =>
      tx
        .update(cases)
        .set({ revision: sql`${cases.revision} + 1` })
        .where(eq(cases.id, id));
    await bump(first);
    holding += 1;
    if (holding === 2) bothHold();
    await Promise.race([together, new Promise((r) => setTimeout(r, 2000))]);
    await bump(second);
  };
  return { work, runs };
}

describe("write transactions on PostgreSQL", () => {
  it("a deadlock is aborted by PostgreSQL (without a retry, one transaction fails)", async () => {
    const { work } = crossing();
    const outcomes = await Promise.allSettled([
      store.db.transaction(work("a", "b")),
      store.db.transaction(work("b", "a")),
    ]);
    const failed = outcomes.filter((o) => o.status === "rejected") as PromiseRejectedResult[];
    expect(failed).toHaveLength(1);
    expect(isRetryable(failed[0]!.reason)).toBe(true);
  });

  it("inTransaction runs the aborted one again: both complete, each write once", async () => {
    const before = await store.db
      .select({ id: cases.id, revision: cases.revision })
      .from(cases)
      .orderBy(cases.id);
    const { work, runs } = crossing();
    await Promise.all([inTransaction(store.db, work("a", "b")), inTransaction(store.db, work("b", "a"))]);
    expect(runs.length).toBe(3);
    const after = await store.db
      .select({ id: cases.id, revision: cases.revision })
      .from(cases)
      .orderBy(cases.id);
    expect(after.map((r, i) => r.revision - before[i]!.revision)).toEqual([2, 2]);
  });
});
