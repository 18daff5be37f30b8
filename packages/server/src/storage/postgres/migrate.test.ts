/**
 * Instances starting together migrate once: three real processes run the migrations on one fresh
 * database at the same instant, under the advisory lock. Real PostgreSQL, a database per test.
 */
import { type ChildProcess, fork } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { getTableConfig } from "drizzle-orm/pg-core";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { CollationError } from "./byte-order-collation.ts";
import { migratePostgres, openPostgres, PG_MIGRATIONS_DIR } from "./open.ts";
import { pgTables } from "./schema-tables.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

const CHILD = fileURLToPath(new URL("./testing-migrate-child.ts", import.meta.url));
const JOURNAL = JSON.parse(readFileSync(join(PG_MIGRATIONS_DIR, "meta/_journal.json"), "utf8")) as {
  entries: { tag: string; when: number }[];
};

const cleanups: (() => Promise<void>)[] = [];
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function freshDatabase(): Promise<TestDatabase> {
  const database = await createTestDatabase();
  cleanups.push(database.drop);
  return database;
}

function query<R extends pg.QueryResultRow>(url: string, sql: string): Promise<R[]> {
  const client = new pg.Client({ connectionString: url });
  return client
    .connect()
    .then(() => client.query<R>(sql))
    .then((result) => result.rows)
    .finally(() => client.end());
}

type Outcome = { ok: true } | { ok: false; message: string };

/** A child instance, connected and waiting for `go`. */
function startInstance(url: string): Promise<{ child: ChildProcess; outcome: Promise<Outcome> }> {
  const child = fork(CHILD, [], {
    env: { ...process.env, DATABASE_URL: url },
    execArgv: ["--import", "tsx"],
    stdio: ["ignore", "ignore", "inherit", "ipc"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`instance exited with ${code} before it was ready`)));
    child.once("message", () => {
      child.removeAllListeners("exit");
      const outcome = new Promise<Outcome>((done, fail) => {
        child.once("message", (message) => done(message as Outcome));
        child.once("exit", (code) => fail(new Error(`instance exited with ${code} without an outcome`)));
      });
      resolve({ child, outcome });
    });
  });
}

async function appliedMigrations(url: string): Promise<{ id: number; hash: string; created_at: string }[]> {
  return query(url, "SELECT id, hash, created_at FROM drizzle.__drizzle_migrations ORDER BY id");
}

async function tablesOf(url: string): Promise<{ name: string; oid: number }[]> {
  return query(
    url,
    `SELECT c.relname AS name, c.oid::int AS oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind = 'r' ORDER BY c.relname`,
  );
}

describe("PostgreSQL migrations", () => {
  it("three instances starting at the same instant all succeed and apply each migration once", async () => {
    const database = await freshDatabase();
    const instances = await Promise.all([1, 2, 3].map(() => startInstance(database.url)));
    for (const { child } of instances) child.send("go");
    const outcomes = await Promise.all(instances.map((i) => i.outcome));
    expect(outcomes).toEqual([{ ok: true }, { ok: true }, { ok: true }]);

    const applied = await appliedMigrations(database.url);
    expect(applied.map((m) => Number(m.created_at))).toEqual(JOURNAL.entries.map((e) => e.when));
    const expectedTables = pgTables.map((t) => getTableConfig(t).name).sort();
    expect((await tablesOf(database.url)).map((t) => t.name)).toEqual(expectedTables);
  });

  it("leave room on the pages of cases for the next versions of their rows", async () => {
    // Every event rewrites its case's row: with full pages most of those updates could not be HOT
    // and wrote an entry in each of the table's eight indexes (migration 0002).
    const database = await freshDatabase();
    const { pool } = openPostgres(database.url);
    cleanups.push(() => pool.end());
    await migratePostgres(pool);
    const [cases] = await query<{ reloptions: string[] | null }>(
      database.url,
      "SELECT reloptions FROM pg_class WHERE oid = 'public.cases'::regclass",
    );
    expect(cases?.reloptions).toEqual(["fillfactor=80"]);
  });

  it("running the migrations again changes nothing", async () => {
    const database = await freshDatabase();
    const { pool } = openPostgres(database.url);
    cleanups.push(() => pool.end());
    await migratePostgres(pool);
    const applied = await appliedMigrations(database.url);
    const tables = await tablesOf(database.url);
    expect(applied).toHaveLength(JOURNAL.entries.length);

    await migratePostgres(pool);
    expect(await appliedMigrations(database.url)).toEqual(applied);
    // Same relations, not dropped and created again.
    expect(await tablesOf(database.url)).toEqual(tables);
  });

  it("leaves no lock behind: another migration after a failed one proceeds", async () => {
    const database = await freshDatabase();
    const { pool } = openPostgres(database.url);
    cleanups.push(() => pool.end());
    await expect(migratePostgres(pool, join(PG_MIGRATIONS_DIR, "no-such-folder"))).rejects.toThrow();
    const other = openPostgres(database.url);
    cleanups.push(() => other.pool.end());
    await migratePostgres(other.pool);
    expect(await appliedMigrations(database.url)).toHaveLength(JOURNAL.entries.length);
  });

  it("refuses a database that does not sort text in byte order, before creating anything", async () => {
    const database = await createTestDatabase({ icuLocale: "en-US" });
    cleanups.push(database.drop);
    const { pool } = openPostgres(database.url);
    cleanups.push(() => pool.end());
    const refusal = migratePostgres(pool);
    await expect(refusal).rejects.toBeInstanceOf(CollationError);
    await expect(refusal).rejects.toThrow(/en-US.*LC_COLLATE 'C'/);
    expect(await tablesOf(database.url)).toEqual([]);
  });
});
