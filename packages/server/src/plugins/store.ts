/**
 * Opens the database (migrations applied), the store, the pathway registry and the case service,
 * and decorates the app with them. Closing the app drains the pending writes and closes the
 * database.
 */
import { PATHWAYS_DIR } from "@passerelle/definitions";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { CaseService } from "../cases/case-service.ts";
import type { KeyringSettings } from "../crypto/keyring.ts";
import { PathwayRegistry } from "../pathways/pathway-registry.ts";
import { openStorage } from "../storage/open-storage.ts";
import type { Durability } from "../storage/sqlite/durability.ts";
import type { Storage } from "../storage/storage.ts";

declare module "fastify" {
  interface FastifyInstance {
    store: Storage;
    pathways: PathwayRegistry;
    cases: CaseService;
  }
}

/** How often the stored pathway versions are re-read for versions another process added. */
export const PATHWAY_REFRESH_MS = 10_000;

export interface StorePluginOptions {
  /** The database: a SQLite file (path or `file:` URL) or a `postgres://` URL. */
  databaseUrl: string;
  /** PostgreSQL: connections of this process (default 10). */
  poolSize?: number;
  /** Sealing codec and audit chain key from these keys; null: none (benchmark baseline, some tests). */
  keys: KeyringSettings | null;
  /** Directories of `<COUNTRY>/<version>.yaml` pathways to load (default: the shipped ones). */
  pathwayDirs?: string[];
  /** How commits become durable, for the database file (default: fdatasync of its WAL); a test seam. */
  durability?: (file: string) => Durability;
}

async function storePlugin(app: FastifyInstance, options: StorePluginOptions) {
  const store = await openStorage(options.databaseUrl, {
    startChecks: true,
    ...(options.poolSize !== undefined && { poolSize: options.poolSize }),
    ...(options.keys ? { keys: options.keys, log: app.log } : { protections: false }),
    ...(options.durability && { durability: options.durability }),
  });
  let pathways: PathwayRegistry;
  try {
    pathways = await PathwayRegistry.load(store, options.pathwayDirs ?? [PATHWAYS_DIR], new Date());
  } catch (error) {
    await store.close();
    throw error;
  }
  app.decorate("store", store);
  app.decorate("pathways", pathways);
  app.decorate("cases", new CaseService(store, pathways));
  // Versions stored by another process (a newer instance during a rolling upgrade, the CLI) are
  // served here within PATHWAY_REFRESH_MS.
  const refresh = setInterval(() => {
    pathways
      .refresh(store, (refused) =>
        app.log.warn(refused, "a stored pathway version this release cannot read: upgrade this instance"),
      )
      .then((added) => {
        if (added > 0) app.log.info({ added }, "pathway versions stored by another process are now served");
      })
      .catch((error: unknown) =>
        app.log.warn({ err: { name: (error as Error).name } }, "pathway versions could not be re-read"),
      );
  }, PATHWAY_REFRESH_MS);
  refresh.unref();
  app.addHook("onClose", async () => {
    clearInterval(refresh);
    await store.close();
  });
  // After a failed sync, reads would show writes that may not be on disk: nothing is answered.
  app.addHook("onRequest", (_request, _reply, done) => done(store.failure()));
}

export default fp(storePlugin, { name: "store" });
