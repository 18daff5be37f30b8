/**
 * The hot reads on the real PostgreSQL: reads of cases (and of who may reach them) asked for
 * together leave as one statement, each caller getting its own case and nothing kept between
 * statements; the statements are kept parsed per connection, and a column added by a migration
 * while an instance runs (a rolling upgrade) does not break the statements that instance holds.
 */
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NewCase } from "../records.ts";
import { transitionTo } from "../testing-transition.ts";
import { PostgresCaseAccessRepository } from "./case-access-repository.ts";
import { PostgresCaseRepository } from "./case-repository.ts";
import { migratePostgres, type OpenPostgres, openPostgres, type PgDb } from "./open.ts";
import { createTestDatabase, recordingPool, type TestDatabase } from "./testing.ts";

let database: TestDatabase;
let store: OpenPostgres;
let countedPool: pg.Pool;
let sent: string[];
let counted: PgDb;
beforeAll(async () => {
  database = await createTestDatabase();
  store = openPostgres(database.url);
  await migratePostgres(store.pool);
  // One connection: a statement kept parsed on it is found there by the next read.
  ({ pool: countedPool, sent } = recordingPool(database.url));
  counted = drizzle(countedPool) as unknown as PgDb;
  await store.db.transaction(async (tx) => {
    const cases = new PostgresCaseRepository(tx, true, undefined);
    for (const id of ["read-a", "read-b", "read-c"]) await cases.create(newCase(id), null);
  });
});
afterAll(async () => {
  await countedPool?.end();
  await store?.pool.end();
  await database?.drop();
});

const T0 = "2026-03-02T09:00:00.000Z";

function newCase(id: string): NewCase {
  return {
    id,
    country: "GH",
    pathwayVersion: 1,
    assignee: null,
    agency: id === "read-b" ? "shelter" : "police",
    person: { name: "Person" },
    identification: {},
    ageBand: null,
    opening: transitionTo("identification.screening", T0),
  };
}

describe("reads of cases asked for together", () => {
  it("leave as one statement, each caller getting its own case, or nothing for an unknown id", async () => {
    const cases = new PostgresCaseRepository(counted, false, undefined);
    sent.length = 0;
    const read = await Promise.all(["read-a", "read-b", "read-none", "read-c"].map((id) => cases.get(id)));
    expect(sent).toEqual(["passerelle_case_aggregates"]);
    expect(read.map((aggregate) => aggregate?.case.id)).toEqual(["read-a", "read-b", undefined, "read-c"]);
    expect(read[1]?.case.agency).toBe("shelter");
  });

  it("asked for in separate callbacks of one turn of the event loop (as requests on separate connections are), one statement too", async () => {
    // Each request is read from its socket in a callback of its own, and the promise jobs after
    // one callback run before the next: a batch sent after them would hold one read.
    const cases = new PostgresCaseRepository(counted, false, undefined);
    const access = new PostgresCaseAccessRepository(counted, false);
    const inOwnCallback = <T>(read: () => Promise<T>) =>
      new Promise<T>((resolve, reject) => setImmediate(() => read().then(resolve, reject)));
    sent.length = 0;
    const read = await Promise.all(
      ["read-a", "read-b", "read-c"].map((id) => inOwnCallback(() => cases.get(id))),
    );
    expect(read.map((aggregate) => aggregate?.case.id)).toEqual(["read-a", "read-b", "read-c"]);
    const checked = await Promise.all(
      ["read-a", "read-b", "read-none"].map((id) => inOwnCallback(() => access.ofCase(id))),
    );
    expect(checked.map((c) => c?.agency)).toEqual(["police", "shelter", undefined]);
    expect(sent).toEqual(["passerelle_case_aggregates", "passerelle_case_access"]);
  });

  it("keep nothing: a read after a change sees the change", async () => {
    const cases = new PostgresCaseRepository(counted, false, undefined);
    expect((await cases.get("read-c"))?.case.revision).toBe(1);
    await store.db.execute(sql`UPDATE cases SET revision = 2 WHERE id = 'read-c'`);
    expect((await cases.get("read-c"))?.case.revision).toBe(2);
  });

  it("the checks of who may reach them too", async () => {
    const access = new PostgresCaseAccessRepository(counted, false);
    sent.length = 0;
    const read = await Promise.all(["read-a", "read-b", "read-none"].map((id) => access.ofCase(id)));
    expect(sent).toEqual(["passerelle_case_access"]);
    expect(read).toEqual([
      { caseId: "read-a", country: "GH", agency: "police", grantedAgencyIds: [] },
      { caseId: "read-b", country: "GH", agency: "shelter", grantedAgencyIds: [] },
      undefined,
    ]);
  });

  it("a key PostgreSQL cannot hold (a NUL in a URL) is no case, and fails no one else's read", async () => {
    const cases = new PostgresCaseRepository(counted, false, undefined);
    const access = new PostgresCaseAccessRepository(counted, false);
    const [bad, good] = await Promise.all([cases.get("read-\0a"), cases.get("read-a")]);
    expect(bad).toBeUndefined();
    expect(good?.case.id).toBe("read-a");
    const [badAccess, goodAccess] = await Promise.all([access.ofCase("read-\0a"), access.ofCase("read-a")]);
    expect(badAccess).toBeUndefined();
    expect(goodAccess?.caseId).toBe("read-a");
  });

  it("a failed statement fails every read in it, and the next statement runs", async () => {
    const cases = new PostgresCaseRepository(counted, false, undefined);
    const client = await countedPool.connect();
    const backend = (await client.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
    client.release();
    const reads = Promise.allSettled(["read-a", "read-b"].map((id) => cases.get(id)));
    await store.pool.query("SELECT pg_terminate_backend($1)", [backend]);
    const settled = await reads;
    // The connection may have ended before or after the statement: either both failed, or both
    // were answered; never one of each.
    expect(new Set(settled.map((s) => s.status)).size).toBe(1);
    expect((await cases.get("read-a"))?.case.id).toBe("read-a");
  });
});

describe("the kept statements", () => {
  it("are parsed once per connection", async () => {
    const cases = new PostgresCaseRepository(counted, false, undefined);
    await cases.get("read-a");
    const parsed = () =>
      countedPool.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_prepared_statements WHERE name = 'passerelle_case_aggregates'",
      );
    expect((await parsed()).rows[0]!.n).toBe(1);
    await cases.get("read-b");
    expect((await parsed()).rows[0]!.n).toBe(1);
  });

  it("still run after a migration adds a column to the tables they read (a rolling upgrade)", async () => {
    const cases = new PostgresCaseRepository(counted, false, undefined);
    const access = new PostgresCaseAccessRepository(counted, false);
    await cases.get("read-a");
    await access.ofCase("read-a");
    for (const table of ["cases", "case_personal", "tasks", "consents"]) {
      await store.db.execute(sql.raw(`ALTER TABLE ${table} ADD COLUMN later_column text`));
    }
    expect((await cases.get("read-a"))?.case.id).toBe("read-a");
    expect((await access.ofCase("read-a"))?.caseId).toBe("read-a");
  });
});
