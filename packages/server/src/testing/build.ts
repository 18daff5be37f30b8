/**
 * Test helper: the app on a fresh SQLite file in a temporary directory, closed (and the directory
 * removed) by `close()`. Pass `file` to build again on the same database (restart tests).
 *
 * With `PASSERELLE_TEST_STORE=postgres` (the `server-postgres` test project) the same tests run on
 * PostgreSQL: each build gets a fresh database of its own on the test server, which `close()` drops,
 * and `file` is its URL (so `build({ file })` and `provisionToken(t.file, …)` work the same).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { PATHWAYS_DIR } from "@passerelle/definitions";
import type { FastifyInstance } from "fastify";
import { type AppOptions, buildApp } from "../app.ts";
import { createTestDatabase, dropDatabaseOf } from "../storage/postgres/testing.ts";

/** Directory with the tiny test pathway (ZZ) laid out as `<COUNTRY>/<version>.yaml`. */
export const TEST_PATHWAYS_DIR = new URL("./pathways/", import.meta.url).pathname;

/** Whether the tests run on PostgreSQL (`PASSERELLE_TEST_STORE=postgres`) rather than SQLite. */
export const testsOnPostgres = () => process.env.PASSERELLE_TEST_STORE === "postgres";

export interface TestApp {
  app: FastifyInstance;
  /** The database: the SQLite file, or the PostgreSQL database's URL. */
  file: string;
  dir: string;
  /** Every log line written so far. */
  logs: string[];
  close(options?: { keepFile?: boolean }): Promise<void>;
}

/** The key file of a test database: in its temporary directory, away from the user's own. */
export const testKeyFile = (dir: string) => join(dir, "keys", "keys.json");

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "passerelle-"));
}

/** A new test database: a file in `dir`, or a fresh PostgreSQL database when the tests run on it. */
async function newDatabase(dir: string): Promise<string> {
  return testsOnPostgres() ? (await createTestDatabase()).url : join(dir, "test.db");
}

async function dropDatabase(url: string): Promise<void> {
  if (/^postgres(ql)?:\/\//.test(url)) await dropDatabaseOf(url);
}

export async function build(
  options: {
    file?: string;
    dir?: string;
    shipped?: boolean;
    protections?: boolean;
    trustProxy?: string[];
    durability?: AppOptions["durability"];
    compressionThreshold?: number;
  } = {},
): Promise<TestApp> {
  const dir = options.dir ?? tempDir();
  const file = options.file ?? (await newDatabase(dir));
  const logs: string[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      logs.push(chunk.toString());
      done();
    },
  });
  let app: FastifyInstance;
  try {
    app = await buildApp({
      databaseUrl: file,
      pathwayDirs: options.shipped === false ? [TEST_PATHWAYS_DIR] : [PATHWAYS_DIR, TEST_PATHWAYS_DIR],
      logger: { level: "info", destination },
      // Tests of workflow behaviour run without the protections (no token to send); the auth,
      // authorisation-matrix and data-protection tests pass `protections: true`.
      protections: options.protections ?? false,
      keys: { keyFile: testKeyFile(dir), generateIfMissing: true },
      // Tests run many apps side by side on one PostgreSQL server.
      poolSize: 4,
      ...(options.trustProxy !== undefined && { trustProxy: options.trustProxy }),
      ...(options.durability && { durability: options.durability }),
      ...(options.compressionThreshold !== undefined && {
        compressionThreshold: options.compressionThreshold,
      }),
    });
  } catch (error) {
    if (!options.file) await dropDatabase(file);
    throw error;
  }
  return {
    app,
    file,
    dir,
    logs,
    async close({ keepFile = false } = {}) {
      await app.close();
      if (keepFile) return;
      await dropDatabase(file);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
