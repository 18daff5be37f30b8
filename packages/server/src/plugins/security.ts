/**
 * Security headers and rate limiting. Helmet's defaults plus a strict CSP for the JSON API
 * (`default-src 'none'`): nothing the API returns is meant to run in a browser. Swagger UI at /docs
 * sets its own CSP (hashes of its inline code) on its pages, so the docs still work. No CORS plugin
 * is registered: browsers on other origins cannot call the API unless an operator adds one.
 * Responses are `Cache-Control: no-store`: they may carry personal data, which must not linger in
 * caches. Only a route's own onSend hook, which runs after this one, may say otherwise: a published
 * pathway version (routes/pathways.ts) and the console's hashed files (plugins/console.ts).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import helmet, { type HelmetOptions } from "helmet";
import { Redis } from "ioredis";
import { ApiProblem } from "../errors/problem.ts";

const HELMET_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: {
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
      formAction: ["'none'"],
    },
  },
  crossOriginResourcePolicy: { policy: "same-origin" },
};

/**
 * Helmet's headers for these options, computed once: none depends on the request (no CSP nonces).
 * @fastify/helmet rebuilt helmet's middleware (and re-parsed the CSP) on every request, ~4 % of the
 * CPU of an event under load.
 */
export function securityHeaders(options: HelmetOptions = HELMET_OPTIONS): [string, string][] {
  const headers = new Map<string, string>();
  const res = {
    setHeader: (name: string, value: unknown) => headers.set(name.toLowerCase(), String(value)),
    removeHeader: (name: string) => headers.delete(name.toLowerCase()),
  };
  helmet(options)({} as IncomingMessage, res as unknown as ServerResponse, (error?: unknown) => {
    if (error) throw error;
  });
  return [...headers];
}

export interface SecurityOptions {
  /**
   * Redis shared by the API instances (`REDIS_URL`): login attempts per address are counted there,
   * so that an address gets its ten attempts a minute from the whole deployment, not from each
   * instance behind the load balancer. Without it (one instance, the embedded default), in memory.
   */
  redisUrl?: string | undefined;
  /** Prefix of the counters' keys (the delivery queue's prefix: one per deployment). */
  keyPrefix?: string;
}

async function securityPlugin(app: FastifyInstance, options: SecurityOptions) {
  const headers = Object.fromEntries(securityHeaders());
  // Fastify's own header map, filled before the handler runs: a route's own header (Swagger UI's
  // CSP) still replaces ours. (Setting them on the raw response validated and stored each of the
  // dozen headers once more per request.)
  app.addHook("onRequest", (_request, reply, done) => {
    reply.headers(headers);
    done();
  });
  // Only routes that opt in (login) are limited; the limit is per client address.
  const redis = options.redisUrl
    ? // Fail fast rather than queue: a login must not wait on an unreachable Redis.
      new Redis(options.redisUrl, {
        maxRetriesPerRequest: 1,
        enableOfflineQueue: false,
        connectTimeout: 1000,
      })
    : undefined;
  if (redis) {
    let down = false;
    redis.on("error", (error) => {
      if (!down)
        app.log.warn(
          { err: { message: error.message } },
          "redis unavailable: login limits per address are not counted",
        );
      down = true;
    });
    redis.on("ready", () => {
      down = false;
    });
    app.addHook("onClose", async () => {
      redis.disconnect();
    });
  }
  await app.register(rateLimit, {
    global: false,
    ...(redis && {
      redis,
      nameSpace: `${options.keyPrefix ?? "passerelle"}:login-limit:`,
      // With Redis down, logins go on without the per-address count rather than failing for
      // everyone: the per-account lock (in the database) still stops guessing at one account.
      skipOnError: true,
    }),
    errorResponseBuilder: (_request, context) =>
      new ApiProblem(
        "PASSERELLE_RATE_LIMITED",
        `Too many attempts; retry in ${Math.ceil(context.ttl / 1000)} s`,
        {
          retryAfterSeconds: Math.ceil(context.ttl / 1000),
        },
      ),
  });
  app.addHook("onSend", (request, reply, payload, done) => {
    if (!request.url.startsWith("/docs")) reply.header("cache-control", "no-store");
    done(null, payload);
  });
}

export default fp(securityPlugin, { name: "security" });
