/**
 * The plugin tree (fastify/demo style): infrastructure plugins first, then one route plugin per
 * resource. `server.ts` only starts it; tests build it on a temporary SQLite file (or a fresh
 * PostgreSQL database, `src/testing/build.ts`).
 */
import { randomUUID } from "node:crypto";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { validatorCompiler, type ZodTypeProvider } from "fastify-type-provider-zod";
import type { KeyringSettings } from "./crypto/keyring.ts";
import deliveryPlugin, { type DeliveryPluginOptions } from "./delivery/plugin.ts";
import { createLoggers, type LoggerOptions, OneLinePerRequest } from "./logger.ts";
import actorPlugin from "./plugins/actor.ts";
import authPlugin from "./plugins/auth.ts";
import checkpointLogPlugin from "./plugins/checkpoint-log.ts";
import compressionPlugin from "./plugins/compression.ts";
import consolePlugin, { type ConsolePluginOptions } from "./plugins/console.ts";
import errorsPlugin from "./plugins/errors.ts";
import jsonBodyPlugin from "./plugins/json-body.ts";
import securityPlugin from "./plugins/security.ts";
import storePlugin, { type StorePluginOptions } from "./plugins/store.ts";
import swaggerPlugin from "./plugins/swagger.ts";
import urlTextPlugin from "./plugins/url-text.ts";
import { requestLogger } from "./request-logger.ts";
import { responseSerializerCompiler } from "./response-serializer.ts";
import adminRoutes from "./routes/admin.ts";
import auditRoutes from "./routes/audit.ts";
import authRoutes from "./routes/auth.ts";
import caseRoutes from "./routes/cases.ts";
import consentRoutes from "./routes/consents.ts";
import healthRoutes from "./routes/health.ts";
import pathwayRoutes from "./routes/pathways.ts";
import personRoutes from "./routes/person.ts";
import referralRoutes from "./routes/referrals.ts";
import aggregateRoutes from "./routes/stats.ts";
import taskRoutes from "./routes/tasks.ts";
import { keySettingsFor } from "./storage/store-keys.ts";

/** Bodies are small JSON documents (a person, an event); anything larger is refused with 413. */
export const BODY_LIMIT_BYTES = 64 * 1024;

export interface AppOptions {
  /** The database: a SQLite file (absolute path or `file:` URL) or a `postgres://` URL. */
  databaseUrl: string;
  /** PostgreSQL: connections of this process (default 10). */
  poolSize?: number;
  /** Pathway directories (default: the shipped pathways). */
  pathwayDirs?: string[];
  logger?: LoggerOptions;
  /** Reminder delivery; without `config` the task routes work but nothing is delivered. */
  delivery?: DeliveryPluginOptions;
  /**
   * Authentication, need-to-know authorisation, encryption of personal data and the audit
   * log. Always on; `false` exists only for the benchmark baseline and tests of unrelated behaviour.
   */
  protections?: boolean;
  /** Data-key settings (default: PASSERELLE_KEY / PASSERELLE_KEY_FILE / the database's key file). */
  keys?: KeyringSettings;
  /** How the store's commits become durable (default: fdatasync of the log); tests put a failing disk here. */
  durability?: StorePluginOptions["durability"];
  /** The web console served at `/` (default: the built packages/console, idle limit from the environment). */
  console?: ConsolePluginOptions;
  /**
   * Reverse proxies to believe (`TRUST_PROXY`): their addresses or CIDRs. Behind a proxy,
   * without it every client has the proxy's address, and shares its login limit.
   */
  trustProxy?: string[];
  /**
   * API answers smaller than this are sent uncompressed (default COMPRESSION_THRESHOLD_BYTES);
   * tests pass 0 to see which answers are never compressed whatever their size.
   */
  compressionThreshold?: number;
}

export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const protections = options.protections ?? true;
  const loggers = createLoggers(options.logger ?? {});
  const app = Fastify({
    loggerInstance: loggers.logger as FastifyBaseLogger,
    bodyLimit: BODY_LIMIT_BYTES,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    trustProxy: options.trustProxy ?? false,
    // Our own onRequest hook answers 503 with a problem document while closing.
    return503OnClosing: false,
    // No limit on a plugin's start: opening a PostgreSQL store waits for another instance's
    // migration under the migration lock, which may build an index for minutes.
    pluginTimeout: 0,
    // One log line per request (with method, url and status) instead of Fastify's two.
    logController: new OneLinePerRequest(loggers.access),
    childLoggerFactory: requestLogger,
  }).withTypeProvider<ZodTypeProvider>();
  // Lines still buffered for stdout are written when the app closes.
  app.addHook("onClose", (_instance, done) => {
    loggers.flush();
    done();
  });
  app.setValidatorCompiler(validatorCompiler);
  // Compiled once per route from the zod schema (only declared properties are written).
  app.setSerializerCompiler(responseSerializerCompiler);
  // JSON only: a text/plain body is refused with 415 instead of reaching validation as a string.
  app.removeContentTypeParser("text/plain");
  // Callback hooks, not async ones: they run on every request and an async hook costs a promise each.
  app.addHook("onSend", (request, reply, payload, done) => {
    reply.header("x-request-id", request.id);
    done(null, payload);
  });

  await app.register(errorsPlugin);
  await app.register(jsonBodyPlugin);
  await app.register(urlTextPlugin);
  await app.register(actorPlugin);
  const deliveryConfig = options.delivery?.config;
  await app.register(securityPlugin, {
    redisUrl: deliveryConfig?.REDIS_URL,
    ...(deliveryConfig?.DELIVERY_QUEUE_PREFIX && { keyPrefix: deliveryConfig.DELIVERY_QUEUE_PREFIX }),
  });
  // Before every route plugin: it decides per route, when the route is added.
  await app.register(compressionPlugin, {
    ...(options.compressionThreshold !== undefined && { threshold: options.compressionThreshold }),
  });
  const keys = options.keys ?? keySettingsFor(options.databaseUrl);
  await app.register(storePlugin, {
    databaseUrl: options.databaseUrl,
    ...(options.poolSize !== undefined && { poolSize: options.poolSize }),
    ...(options.pathwayDirs && { pathwayDirs: options.pathwayDirs }),
    keys: protections ? keys : null,
    ...(options.durability && { durability: options.durability }),
  });
  // Before every route plugin: its onRoute hook checks that each route declares a policy.
  await app.register(authPlugin, { protections });
  await app.register(checkpointLogPlugin);
  await app.register(deliveryPlugin, options.delivery ?? {});
  await app.register(swaggerPlugin);
  await app.register(healthRoutes);
  await app.register(pathwayRoutes);
  await app.register(caseRoutes);
  await app.register(taskRoutes);
  await app.register(authRoutes);
  await app.register(auditRoutes);
  await app.register(consentRoutes);
  await app.register(referralRoutes);
  await app.register(aggregateRoutes);
  await app.register(adminRoutes);
  await app.register(personRoutes);
  await app.register(consolePlugin, options.console ?? {});
  await app.ready();
  return app as unknown as FastifyInstance;
}
