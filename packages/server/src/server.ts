/**
 * Starts the API: config from the environment, listen, and a graceful shutdown on SIGINT/SIGTERM
 * (in-flight requests finish, the write queue drains, the database closes cleanly).
 */
import closeWithGrace from "close-with-grace";
import { buildApp } from "./app.ts";
import { loadConfig, storeUrl } from "./config.ts";

async function main() {
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const extra = process.env.PASSERELLE_EXTRA_PATHWAYS;
  const { PATHWAYS_DIR } = await import("@passerelle/definitions");
  const app = await buildApp({
    databaseUrl: storeUrl(config.DATABASE_URL),
    poolSize: config.DATABASE_POOL_SIZE,
    ...(extra && { pathwayDirs: [PATHWAYS_DIR, ...extra.split(":")] }),
    logger: { level: config.LOG_LEVEL },
    ...(config.TRUST_PROXY !== undefined && { trustProxy: config.TRUST_PROXY }),
    delivery: { config },
  });
  closeWithGrace({ delay: 10_000 }, async ({ signal, err }) => {
    if (err) app.log.error({ err }, "closing after an error");
    else app.log.info({ signal }, "closing");
    await app.close();
  });
  const address = await app.listen({ port: config.PORT, host: config.HOST });
  const url = address.replace("127.0.0.1", "localhost");
  process.stdout.write(`Passerelle API listening on ${url}\nConsole: ${url}/\nAPI docs: ${url}/docs\n`);
}

main().catch((error) => {
  process.stderr.write(`Failed to start: ${(error as Error).message}\n`);
  process.exit(1);
});
