/**
 * The PostgreSQL database of the 1M-case reads: a scratch database filled by `pg-fill.ts` and
 * dropped after the run, or — with `BENCH_PG_MILLION_DB=<name>` — a database of that name on the
 * local server (`passerelle_bench_…`), filled once and reused by the next runs (the fill takes minutes). A reused
 * database needs the keys that sealed its cases: they are kept in a file of their own
 * (`<tmpdir>/passerelle-bench-<name>.keys.json`, mode 0600), and the database's comment records
 * that its fill completed, and how long it took.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pg from "pg";
import {
  createTestDatabase,
  databaseUrl,
  onAdmin,
  TEST_PG_ADMIN_URL,
} from "../src/storage/postgres/testing.ts";
import { fillPgStore, newStoreKeys, type PgStoreKeys } from "./pg-fill.ts";
import { remindersSentSql } from "./reminders-sent.ts";

export interface PgMillion {
  url: string;
  name: string;
  keys: PgStoreKeys;
  reused: boolean;
  fillSeconds: number;
  /** Drops the database unless it is kept for reuse. */
  release(): Promise<void>;
}

const marker = (count: number) => `passerelle bench fill: ${count} cases`;

async function commentOf(name: string): Promise<string | null | undefined> {
  const client = new pg.Client({ connectionString: TEST_PG_ADMIN_URL });
  await client.connect();
  try {
    const { rows } = await client.query<{ comment: string | null }>(
      "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = $1",
      [name],
    );
    return rows.length === 0 ? undefined : rows[0]!.comment;
  } finally {
    await client.end();
  }
}

export async function pgMillionDatabase(count: number, log: (line: string) => void): Promise<PgMillion> {
  const kept = process.env.BENCH_PG_MILLION_DB;
  const started = Date.now();
  if (!kept) {
    const database = await createTestDatabase();
    const keys = newStoreKeys();
    try {
      await fillPgStore(database.url, count, keys, log);
    } catch (error) {
      await database.drop();
      throw error;
    }
    return {
      url: database.url,
      name: database.name,
      keys,
      reused: false,
      fillSeconds: Math.round((Date.now() - started) / 1000),
      release: database.drop,
    };
  }
  // Only a name of the benchmark's own: a database found half filled under it is dropped.
  if (!/^passerelle_bench_[a-z0-9_]+$/.test(kept))
    throw new Error(`BENCH_PG_MILLION_DB must be passerelle_bench_<a-z0-9_>, not ${kept}`);
  const keyFile = join(tmpdir(), `passerelle-bench-${kept}.keys.json`);
  const url = databaseUrl(TEST_PG_ADMIN_URL, kept);
  const comment = await commentOf(kept);
  const release = async () => {};
  if (comment?.startsWith(`${marker(count)};`) && existsSync(keyFile)) {
    log(`  reusing the PostgreSQL database ${kept}`);
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    const { rowCount } = await client.query(remindersSentSql("$1"), [new Date().toISOString()]);
    await client.end();
    log(`  ${rowCount} reminders fallen due since the fill marked sent`);
    const keys = JSON.parse(readFileSync(keyFile, "utf8")) as PgStoreKeys;
    const fillSeconds = Number(/filled in (\d+) s/.exec(comment)?.[1] ?? 0);
    return { url, name: kept, keys, reused: true, fillSeconds, release };
  }
  // Absent, half filled, filled with another count, or its keys lost: filled anew.
  if (comment !== undefined) await onAdmin(`DROP DATABASE "${kept}" WITH (FORCE)`);
  await onAdmin(`CREATE DATABASE "${kept}" TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'`);
  const keys = newStoreKeys();
  writeFileSync(keyFile, JSON.stringify(keys), { mode: 0o600 });
  await fillPgStore(url, count, keys, log);
  const fillSeconds = Math.round((Date.now() - started) / 1000);
  // What the reuse above looks for: the marker, then the fill's duration.
  await onAdmin(`COMMENT ON DATABASE "${kept}" IS '${marker(count)}; filled in ${fillSeconds} s'`);
  return { url, name: kept, keys, reused: false, fillSeconds, release };
}
