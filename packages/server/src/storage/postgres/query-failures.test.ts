/**
 * A connection lost mid-transaction (here: its server process terminated, as a PostgreSQL restart
 * does) is recognised as the store being unavailable, commits nothing, and the pool carries on
 * with new connections; an ordinary query failure is not; summaries carry no parameter. Real
 * PostgreSQL, a database of its own.
 */
import { sql } from "drizzle-orm";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { StoreUnavailable } from "../storage-errors.ts";
import { migratePostgres, type OpenPostgres, openPostgres } from "./open.ts";
import { isConnectionFailure, QueryFailed, safeSummary, storeFailure } from "./query-failures.ts";
import { cases } from "./schema/index.ts";
import { createTestDatabase, TEST_PG_ADMIN_URL, type TestDatabase } from "./testing.ts";

let database: TestDatabase;
let store: OpenPostgres;
const connectionErrors: Error[] = [];
beforeAll(async () => {
  database = await createTestDatabase();
  store = openPostgres(database.url, {
    applicationName: "failure-test",
    onConnectionError: (e) => connectionErrors.push(e),
  });
  await migratePostgres(store.pool);
});
afterAll(async () => {
  await store?.pool.end();
  await database?.drop();
});

async function terminate(pid: number): Promise<void> {
  const admin = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query("SELECT pg_terminate_backend($1)", [pid]);
  } finally {
    await admin.end();
  }
}

const aCase = (id: string) => ({
  id,
  country: "GH",
  pathwayVersion: 1,
  stage: "identification",
  state: "identification.screening",
  snapshot: "{}",
  revision: 1,
  createdAt: "2026-03-02T09:00:00.000Z",
  updatedAt: "2026-03-02T09:00:00.000Z",
});

describe("PostgreSQL query failures", () => {
  it("a connection lost mid-transaction is 'unavailable', commits nothing, and the pool recovers", async () => {
    const failure = await store.db
      .transaction(async (tx) => {
        await tx.insert(cases).values(aCase("case-lost"));
        const [{ pid }] = (await tx.execute<{ pid: number }>(sql`SELECT pg_backend_pid() AS pid`)).rows as [
          { pid: number },
        ];
        await terminate(pid);
        await tx.insert(cases).values(aCase("case-lost-2"));
      })
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeDefined();
    expect(isConnectionFailure(failure)).toBe(true);
    const rows = await store.db.select({ id: cases.id }).from(cases);
    expect(rows).toEqual([]);
  });

  it("an idle connection killed under the pool is reported, not thrown out of the process", async () => {
    const client = await store.pool.connect();
    const { rows } = await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    client.release();
    await terminate(rows[0]!.pid);
    for (let i = 0; i < 50 && connectionErrors.length === 0; i++) await new Promise((r) => setTimeout(r, 20));
    expect(connectionErrors.length).toBeGreaterThan(0);
    expect(isConnectionFailure(connectionErrors[0])).toBe(true);
    expect((await store.pool.query("SELECT 1 AS one")).rows).toEqual([{ one: 1 }]);
  });

  it("a statement cancelled by its timeout (a write waiting behind a long lock) is 'unavailable': retry later", async () => {
    const failure = await store.db
      .transaction(async (tx) => {
        await tx.execute(sql`SET LOCAL statement_timeout = 50`);
        await tx.execute(sql`SELECT pg_sleep(1)`);
      })
      .catch((error: unknown) => error);
    expect(safeSummary(failure).code).toBe("57014");
    expect(isConnectionFailure(failure)).toBe(false);
    expect(storeFailure(failure)).toBeInstanceOf(StoreUnavailable);
  });

  it("a constraint violation is not 'unavailable', and its summary names no value", async () => {
    await store.db.insert(cases).values(aCase("case-secret-id"));
    const failure = await store.db
      .insert(cases)
      .values(aCase("case-secret-id"))
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(isConnectionFailure(failure)).toBe(false);
    // drizzle's own message would carry the parameters.
    expect(String((failure as Error).message)).toContain("case-secret-id");
    const summary = safeSummary(failure);
    expect(summary.code).toBe("23505");
    expect(JSON.stringify(summary)).not.toContain("case-secret-id");
  });

  it("reaches the server as QueryFailed, without the query's values, even those the server quoted", async () => {
    const failure = await store.db.execute(sql`SELECT ${"person-secret-value"}::int`).then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(String((failure as Error).message)).toContain("person-secret-value");
    const failed = storeFailure(failure);
    expect(failed).toBeInstanceOf(QueryFailed);
    expect((failed as QueryFailed).sqlState).toBe("22P02");
    expect((failed as Error).message).toBe(
      'a database query failed (22P02): invalid input syntax for type integer: "…"',
    );
    expect(JSON.stringify(failed, Object.getOwnPropertyNames(failed))).not.toContain("person-secret");
    // A request's own error passes through as it is.
    const own = new Error("refused");
    expect(storeFailure(own)).toBe(own);
  });
});
