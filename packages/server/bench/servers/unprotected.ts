/**
 * Benchmark baseline only: `src/server.ts` as deployed (same configuration, delivery, logging) but
 * with the data protections off — no authentication, no authorisation, personal data stored as
 * plain JSON, no audit log. Never a way to run Passerelle: the server entry point has no such switch.
 */
import { PATHWAYS_DIR } from "@passerelle/definitions";
import { buildApp } from "../../src/app.ts";
import { loadConfig, storeUrl } from "../../src/config.ts";

const config = loadConfig();
const extra = process.env.PASSERELLE_EXTRA_PATHWAYS;
const app = await buildApp({
  databaseUrl: storeUrl(config.DATABASE_URL),
  poolSize: config.DATABASE_POOL_SIZE,
  ...(extra && { pathwayDirs: [PATHWAYS_DIR, ...extra.split(":")] }),
  logger: { level: config.LOG_LEVEL },
  delivery: { config },
  protections: false,
});
const address = await app.listen({ port: config.PORT, host: config.HOST });
process.stdout.write(`listening on ${address}\n`);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    void app.close().then(() => process.exit(0));
  });
}
