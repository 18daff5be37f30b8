/** The migrated database itself refuses to change or remove audit entries. Real PostgreSQL. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migratePostgres, type OpenPostgres, openPostgres } from "./open.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let database: TestDatabase;
let store: OpenPostgres;
beforeAll(async () => {
  database = await createTestDatabase();
  store = openPostgres(database.url);
  await migratePostgres(store.pool);
  await store.pool.query(
    `INSERT INTO audit_log (seq, at, action, outcome, prev_hash, hash)
     VALUES (1, '2026-03-02T09:00:00.000Z', 'case.read', 'allowed', 'genesis', 'h1')`,
  );
});
afterAll(async () => {
  await store?.pool.end();
  await database?.drop();
});

describe("audit_log is append-only in PostgreSQL", () => {
  it.each([
    ["UPDATE", "UPDATE audit_log SET outcome = 'denied'"],
    ["DELETE", "DELETE FROM audit_log"],
    ["TRUNCATE", "TRUNCATE audit_log"],
  ])("refuses %s", async (_, sql) => {
    await expect(store.pool.query(sql)).rejects.toThrow("audit_log is append-only");
    const { rows } = await store.pool.query("SELECT seq, outcome FROM audit_log");
    expect(rows).toEqual([{ seq: "1", outcome: "allowed" }]);
  });

  it("accepts appends", async () => {
    await store.pool.query(
      `INSERT INTO audit_log (seq, at, action, outcome, prev_hash, hash)
       VALUES (2, '2026-03-02T09:00:01.000Z', 'case.read', 'allowed', 'h1', 'h2')`,
    );
    const { rows } = await store.pool.query("SELECT count(*)::int AS n FROM audit_log");
    expect(rows).toEqual([{ n: 2 }]);
  });
});
