/**
 * `passerelle worker`: the BullMQ reminder worker as its own process. It consumes the delivery
 * queue, and runs its own outbox relay and sweep so that the next rung of a delivered task is
 * queued without waiting for an API process (both are idempotent, so running them in every process
 * is harmless). SIGINT/SIGTERM drain the in-flight jobs before the database closes.
 */
import closeWithGrace from "close-with-grace";
import type { Command } from "commander";
import { loadConfig, storeUrl } from "../config.ts";
import { startDelivery } from "../delivery/runtime.ts";
import { createLogger } from "../logger.ts";
import { openStorage } from "../storage/open-storage.ts";

export function registerWorkerCommand(program: Command): void {
  program
    .command("worker")
    .description(
      "Deliver reminders and escalations from the BullMQ queue (needs REDIS_URL; the database from DATABASE_URL, SQLite or PostgreSQL)",
    )
    .action(async () => {
      const config = loadConfig();
      if (!config.REDIS_URL) {
        process.stderr.write(
          "passerelle worker needs REDIS_URL. Without Redis, the API process delivers reminders itself.\n",
        );
        process.exitCode = 1;
        return;
      }
      const logger = createLogger({ level: config.LOG_LEVEL });
      // Delivery reads no personal data: the store needs no keys here.
      const storage = await openStorage(storeUrl(config.DATABASE_URL), {
        protections: false,
        poolSize: config.DATABASE_POOL_SIZE,
        applicationName: "passerelle-worker",
        log: logger,
      });
      const runtime = await startDelivery({ role: "worker", config, storage, logger });
      logger.info("reminder worker started");
      closeWithGrace({ delay: 30_000 }, async ({ signal, err }) => {
        if (err) logger.error({ err }, "worker closing after an error");
        else logger.info({ signal }, "worker closing: draining in-flight jobs");
        await runtime.close();
        await storage.close();
      });
    });
}
