/**
 * The server publishes a signed checkpoint of the audit chain's head in its log, at start, every
 * `AUDIT_CHECKPOINT_INTERVAL_MS` and when it closes. Logs are shipped off the machine in any real
 * deployment: the checkpoints then live outside the database, where `passerelle audit verify
 * --checkpoints <log file>` reads them. Signing the head costs one indexed read and one HMAC.
 */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { auditHead } from "./audit-trail.ts";
import { signCheckpoint } from "./checkpoint.ts";

export const AUDIT_CHECKPOINT_INTERVAL_MS = 60 * 60_000;

async function checkpointLogPlugin(app: FastifyInstance, options: { intervalMs?: number }) {
  const audit = app.store.audit;
  const key = audit.chainKey;
  if (!key) return;
  const publish = async () => {
    const checkpoint = signCheckpoint(await auditHead(audit), new Date(), key);
    app.log.info({ auditCheckpoint: checkpoint }, "audit checkpoint");
  };
  const timer = setInterval(() => {
    publish().catch((error: unknown) => app.log.error({ err: error }, "audit checkpoint failed"));
  }, options.intervalMs ?? AUDIT_CHECKPOINT_INTERVAL_MS);
  timer.unref();
  app.addHook("onReady", publish);
  app.addHook("preClose", async () => {
    clearInterval(timer);
    await publish();
  });
}

export default fp(checkpointLogPlugin, { name: "audit-checkpoint-log", dependencies: ["auth"] });
