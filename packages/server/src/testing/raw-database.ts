/**
 * The SQLite connection behind a test app's store: for tests that look at or damage the file itself
 * (what the raw rows hold, a trigger that makes writes fail). Nothing outside tests reaches it.
 */
import type Database from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import { SqliteCaseStore } from "../storage/sqlite/sqlite-case-store.ts";

export function rawDatabase(app: FastifyInstance): Database.Database {
  if (!(app.store instanceof SqliteCaseStore)) throw new Error("this test needs the SQLite store");
  return app.store.sqlite;
}
