/**
 * Test helper: the two stores behind the storage seam, opened the same way for contract tests that
 * run the same assertions on both (`describe.each(CONTRACT_STORES)`). Each `open` gives a store of
 * its own — a fresh SQLite file, a fresh PostgreSQL database, migrated — sealing personal values
 * with `keyring` as the server does, and closes and removes it in `close`.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Keyring } from "../crypto/keyring.ts";
import { SealingCodec } from "../crypto/personal-data-codec.ts";
import { migratePostgres, openPostgres } from "./postgres/open.ts";
import { PostgresRepositories } from "./postgres/postgres-repositories.ts";
import { createTestDatabase } from "./postgres/testing.ts";
import { inTransaction } from "./postgres/transactions.ts";
import { caseSalts } from "./sqlite/case-keys.ts";
import { openDatabase } from "./sqlite/open.ts";
import { SqliteCaseStore } from "./sqlite/sqlite-case-store.ts";
import type { Repositories } from "./storage.ts";

export interface ContractStore {
  /** The repositories outside a transaction: reads only. */
  reads: Repositories;
  transaction<T>(work: (tx: Repositories) => Promise<T>): Promise<T>;
  /** The rows of one SQL statement, written so that both dialects run it (a test's look at the tables). */
  rows(statement: string): Promise<Record<string, unknown>[]>;
  close(): Promise<void>;
}

export interface ContractStoreFactory {
  dialect: "sqlite" | "postgres";
  open(keyring: Keyring): Promise<ContractStore>;
}

async function openSqlite(keyring: Keyring): Promise<ContractStore> {
  const dir = mkdtempSync(join(tmpdir(), "passerelle-contract-"));
  const { sqlite } = openDatabase(join(dir, "store.db"));
  const store = new SqliteCaseStore(sqlite, {
    codec: new SealingCodec(keyring, caseSalts(sqlite)),
    auditKey: keyring.auditKey,
  });
  return {
    reads: store,
    transaction: (work) => store.transaction(work),
    rows: async (statement) => sqlite.prepare(statement).all() as Record<string, unknown>[],
    close: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function openPostgresStore(keyring: Keyring): Promise<ContractStore> {
  const database = await createTestDatabase();
  const { pool, db } = openPostgres(database.url);
  try {
    await migratePostgres(pool);
  } catch (error) {
    await pool.end();
    await database.drop();
    throw error;
  }
  const dependencies = { keyring, auditKey: keyring.auditKey };
  return {
    reads: new PostgresRepositories(db, false, dependencies),
    transaction: (work) => inTransaction(db, (tx) => work(new PostgresRepositories(tx, true, dependencies))),
    rows: async (statement) => (await pool.query(statement)).rows as Record<string, unknown>[],
    close: async () => {
      await pool.end();
      await database.drop();
    },
  };
}

export const CONTRACT_STORES: ContractStoreFactory[] = [
  { dialect: "sqlite", open: openSqlite },
  { dialect: "postgres", open: openPostgresStore },
];
