/**
 * Opens the database (migrations applied), the store, the pathway registry and the case service,
 * and decorates the app with them. Closing the app drains the write queue and closes the file.
 */
import { PATHWAYS_DIR } from "@passerelle/definitions";
import type Database from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { CaseService } from "../cases/case-service.ts";
import { PathwayRegistry } from "../pathways/pathway-registry.ts";
import type { Durability } from "../storage/sqlite/durability.ts";
import { openDatabase } from "../storage/sqlite/open.ts";
import { SqliteCaseStore, type StoreProtection } from "../storage/sqlite/sqlite-case-store.ts";
import type { Storage } from "../storage/storage.ts";

declare module "fastify" {
  interface FastifyInstance {
    store: Storage;
    /** The store's connection (users, tokens, audit and grants live in the same file). */
    sqlite: Database.Database;
    pathways: PathwayRegistry;
    cases: CaseService;
  }
}

export interface StorePluginOptions {
  /** Absolute SQLite file. */
  databaseFile: string;
  /** Directories of `<COUNTRY>/<version>.yaml` pathways to load (default: the shipped ones). */
  pathwayDirs?: string[];
  /** Sealing codec and audit log for the store (none: plain JSON, no audit). */
  protect?: (sqlite: Database.Database) => StoreProtection;
  /** How commits become durable, for the database file (default: fdatasync of its WAL); a test seam. */
  durability?: (file: string) => Durability;
}

async function storePlugin(app: FastifyInstance, options: StorePluginOptions) {
  const { sqlite } = openDatabase(options.databaseFile, { startChecks: true });
  let store: SqliteCaseStore;
  try {
    store = new SqliteCaseStore(sqlite, {
      ...options.protect?.(sqlite),
      ...(options.durability && { durability: options.durability(sqlite.name) }),
    });
  } catch (error) {
    sqlite.close();
    throw error;
  }
  let pathways: PathwayRegistry;
  try {
    pathways = await PathwayRegistry.load(store, options.pathwayDirs ?? [PATHWAYS_DIR], new Date());
  } catch (error) {
    await store.close();
    throw error;
  }
  app.decorate("store", store as Storage);
  app.decorate("sqlite", sqlite);
  app.decorate("pathways", pathways);
  app.decorate("cases", new CaseService(store, pathways));
  app.addHook("onClose", async () => {
    await store.close();
  });
  // After a failed sync, reads would show writes that may not be on disk: nothing is answered.
  app.addHook("onRequest", (_request, _reply, done) => done(store.failure()));
}

export default fp(storePlugin, { name: "store" });
