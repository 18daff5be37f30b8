/**
 * The PostgreSQL store losing its database: a request whose query was cut answers 503
 * `PASSERELLE_STORE_UNAVAILABLE` with `Retry-After`, a transaction cut half-way leaves nothing,
 * no log line carries a query's values, and the store serves again once the database is back.
 * Two ways of losing it, on the real server: its backends terminated (what a restart or a failover
 * does to open connections), and the network path cut (the port refusing connections).
 *
 * The machine's PostgreSQL server itself is never restarted: every other test running at the same
 * time shares it, and would fail for reasons of ours. Terminating our own database's backends and
 * cutting a relay in front of the server reach the same failures in the driver.
 */
import { Writable } from "node:stream";
import type { FastifyInstance } from "fastify";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "../../app.ts";
import { TEST_PATHWAYS_DIR } from "../../testing/build.ts";
import { ADULT, IDENTIFICATION } from "../../testing/fixtures.ts";
import { signal } from "../../testing/signal.ts";
import { openStorage } from "../open-storage.ts";
import { StoreUnavailable } from "../storage-errors.ts";
import { createTestDatabase, databaseUrl, TEST_PG_ADMIN_URL, type TestDatabase } from "./testing.ts";
import { type Relay, startRelay } from "./testing-proxy.ts";

const CASE_ID = "case_01J0000000000000000000000A";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function database(): Promise<TestDatabase> {
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  return db;
}

async function app(url: string): Promise<{ app: FastifyInstance; logs: string[] }> {
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  const built = await buildApp({
    databaseUrl: url,
    pathwayDirs: [TEST_PATHWAYS_DIR],
    logger: { level: "debug", destination },
    protections: false,
    poolSize: 4,
  });
  cleanups.push(() => built.close());
  return { app: built, logs };
}

/** An admin connection to `db` (not the app's pool: it is spared when the app's backends go). */
async function admin(db: TestDatabase): Promise<pg.Client> {
  const client = new pg.Client({
    connectionString: databaseUrl(TEST_PG_ADMIN_URL, db.name),
    application_name: "connection-loss-test",
  });
  await client.connect();
  cleanups.push(() => client.end());
  return client;
}

/** Terminates every backend of the app (application `passerelle`) on `db`; how many there were. */
async function terminateApp(client: pg.Client, db: TestDatabase): Promise<number> {
  const { rows } = await client.query(
    "SELECT pg_terminate_backend(pid) AS done FROM pg_stat_activity WHERE datname = $1 AND application_name = 'passerelle'",
    [db.name],
  );
  return rows.length;
}

async function until(check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("condition not reached in 5 s");
}

const referrals = (server: FastifyInstance) =>
  server.inject({ method: "GET", url: `/v1/cases/${CASE_ID}/referrals` });

function expectUnavailable(res: Awaited<ReturnType<typeof referrals>>) {
  expect(res.statusCode).toBe(503);
  expect(res.headers["retry-after"]).toBe("2");
  expect(res.json().code).toBe("PASSERELLE_STORE_UNAVAILABLE");
}

describe("the PostgreSQL store losing its database", () => {
  it("a read cut by its backend's termination answers 503 with Retry-After; the next one is served", async () => {
    const db = await database();
    const { app: server, logs } = await app(db.url);
    expect((await referrals(server)).statusCode).toBe(200);

    // The read waits on a lock held here, so that it is surely in flight when its backend goes.
    const holder = await admin(db);
    await holder.query("BEGIN; LOCK TABLE case_grants IN ACCESS EXCLUSIVE MODE");
    const pending = referrals(server);
    await until(async () => {
      const { rows } = await holder.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'passerelle' AND wait_event_type = 'Lock'",
        [db.name],
      );
      return rows[0].n > 0;
    });
    expect(await terminateApp(holder, db)).toBeGreaterThan(0);
    expectUnavailable(await pending);
    await holder.query("COMMIT");

    // Back: the pool opens new connections.
    expect((await referrals(server)).statusCode).toBe(200);
    expect((await server.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
    // The log says why (the SQLSTATE of a terminated backend), and nothing of the query.
    expect(logs.join("")).toMatch(/"reason":"57P01: terminating connection due to administrator command"/);
    expect(logs.join("")).not.toMatch(/Failed query|params/);
  });

  it("a case opened while its backend is terminated answers 503 and leaves no row; the next one opens", async () => {
    const db = await database();
    const { app: server } = await app(db.url);
    const open = () =>
      server.inject({
        method: "POST",
        url: "/v1/cases",
        payload: { country: "ZZ", person: ADULT, identification: IDENTIFICATION },
      });
    const holder = await admin(db);
    // The case's insert waits on this lock inside its transaction: cut while surely half-way.
    await holder.query("BEGIN; LOCK TABLE cases IN ACCESS EXCLUSIVE MODE");
    const pending = open();
    await until(async () => {
      const { rows } = await holder.query(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND application_name = 'passerelle' AND wait_event_type = 'Lock'",
        [db.name],
      );
      return rows[0].n > 0;
    });
    await terminateApp(holder, db);
    expectUnavailable(await pending);
    await holder.query("COMMIT");
    for (const table of ["cases", "case_personal", "case_keys", "case_history", "tasks", "consents"]) {
      const { rows } = await holder.query(`SELECT count(*)::int AS n FROM ${table}`);
      expect({ table, rows: rows[0].n }).toEqual({ table, rows: 0 });
    }
    expect((await open()).statusCode).toBe(201);
  });

  it("a transaction cut half-way writes nothing, fails as StoreUnavailable, and the store writes again", async () => {
    const db = await database();
    const storage = await openStorage(db.url, { protections: false, poolSize: 2 });
    cleanups.push(() => storage.close());
    const killer = await admin(db);
    const record = { failures: 1, lockedUntil: null, knownAddresses: [] };

    const written = signal();
    const cut = signal();
    const attempt = storage.transaction(async (tx) => {
      await tx.loginThrottle.put("login:first", record);
      written.fire();
      await cut.done;
      await tx.loginThrottle.put("login:second", record);
    });
    await written.done;
    expect(await terminateApp(killer, db)).toBeGreaterThan(0);
    cut.fire();
    const failure = await attempt.catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(StoreUnavailable);
    // It carries the driver's summary only, never its error (which holds the parameters).
    expect(JSON.stringify(failure, Object.getOwnPropertyNames(failure))).not.toContain("login:");
    expect((failure as Error).cause).toBeUndefined();

    expect(await storage.loginThrottle.get("login:first")).toBeUndefined();
    expect(await storage.loginThrottle.get("login:second")).toBeUndefined();
    await storage.transaction((tx) => tx.loginThrottle.put("login:first", record));
    expect(await storage.loginThrottle.get("login:first")).toEqual(record);
  });

  describe("the network path cut", () => {
    let relay: Relay;

    it("answers 503 with Retry-After to reads and /health while the port refuses, then serves again", async () => {
      const db = await database();
      relay = await startRelay();
      cleanups.push(() => relay.close());
      const { app: server, logs } = await app(relay.through(db.url));
      expect((await referrals(server)).statusCode).toBe(200);

      await relay.cut();
      expectUnavailable(await referrals(server));
      const health = await server.inject({ method: "GET", url: "/health" });
      expectUnavailable(health);
      // The reason names the database's place, never a credential or a value.
      expect(health.json().detail).toContain(`127.0.0.1:${relay.port}/${db.name}`);
      expect(health.json().detail).not.toContain("postgres@");

      await relay.restore();
      expect((await referrals(server)).statusCode).toBe(200);
      expect((await server.inject({ method: "GET", url: "/health" })).statusCode).toBe(200);
      expect(logs.join("")).toMatch(/"reason":"(ECONNREFUSED|no code: Connection terminated)/);
      expect(logs.join("")).not.toMatch(/Failed query|params/);
    });
  });
});
