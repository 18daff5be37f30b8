/**
 * Opens the database (migrations applied), the store, the pathway registry and the case service,
 * and decorates the app with them. Closing the app drains the write queue and closes the file.
 */
import { PATHWAYS_DIR } from "@passerelle/definitions";
import type Database from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { CaseService } from "../cases/case-service.ts";
import type { KeyringSettings } from "../crypto/keyring.ts";
import { PathwayRegistry } from "../pathways/pathway-registry.ts";
import type { CaseStore } from "../storage/case-store.ts";
import { openDatabase } from "../storage/sqlite/open.ts";
import { SqliteCaseStore, type StoreProtection } from "../storage/sqlite/sqlite-case-store.ts";

declare module "fastify" {
  interface FastifyInstance {
    store: CaseStore;
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
  /**
   * Run the store's writes in a writer thread and its case reads and lists in a reader thread
   * (production), with these key settings — those of `protect`, or null without it — instead of
   * on the request thread.
   */
  writerThread?: { keys: KeyringSettings | null };
}

async function storePlugin(app: FastifyInstance, options: StorePluginOptions) {
  const { sqlite } = openDatabase(options.databaseFile, { startChecks: true });
  let store: SqliteCaseStore;
  try {
    store = new SqliteCaseStore(sqlite, options.protect?.(sqlite) ?? {});
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
  store.usePathways(pathways);
  if (options.writerThread) {
    store.useReaderThread({ keys: options.writerThread.keys });
    store.useWriterThread({
      keys: options.writerThread.keys,
      // The batches it held answer 500; the next write starts new threads (a failed fsync is final).
      onCrash: (error) => app.log.error({ err: error }, "writer thread failed"),
    });
    // Before the server listens: loading a thread's code takes seconds on a small machine, and the
    // first requests after a restart would wait for it.
    try {
      await store.startThreads();
    } catch (error) {
      await store.close();
      throw error;
    }
  }
  app.decorate("store", store as CaseStore);
  app.decorate("sqlite", sqlite);
  app.decorate("pathways", pathways);
  app.decorate("cases", new CaseService(store, pathways));
  app.addHook("onClose", async () => {
    await store.close();
  });
  // A read's answer leaves only once what it read is durable (callback hook: most reads have
  // nothing to wait for). Writes answer on their own commit's sync (durable-replies.ts).
  app.addHook("onSend", (request, _reply, payload, done) => {
    if (request.method !== "GET" && request.method !== "HEAD") return done(null, payload);
    const barrier = store.readBarrier();
    if (barrier === undefined) return done(null, payload);
    barrier.then(
      () => done(null, payload),
      (error: Error) => done(error),
    );
  });
}

export default fp(storePlugin, { name: "store" });
