/**
 * Security headers and rate limiting. Helmet's defaults plus a strict CSP for the JSON API
 * (`default-src 'none'`): nothing the API returns is meant to run in a browser. Swagger UI at /docs
 * sets its own CSP (hashes of its inline code) on its pages, so the docs still work. No CORS plugin
 * is registered: browsers on other origins cannot call the API unless an operator adds one.
 * Responses are `Cache-Control: no-store`: they may carry personal data, which must not linger in
 * caches.
 */
import helmet from "@fastify/helmet";
import rateLimit from "@fastify/rate-limit";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { ApiProblem } from "../errors/problem.ts";

async function securityPlugin(app: FastifyInstance) {
  await app.register(helmet, {
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
  });
  // Only routes that opt in (login) are limited; the limit is per client address.
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new ApiProblem(
        "PASSERELLE_RATE_LIMITED",
        `Too many attempts; retry in ${Math.ceil(context.ttl / 1000)} s`,
        {
          retryAfterSeconds: Math.ceil(context.ttl / 1000),
        },
      ),
  });
  app.addHook("onSend", async (request, reply) => {
    if (!request.url.startsWith("/docs")) reply.header("cache-control", "no-store");
  });
}

export default fp(securityPlugin, { name: "security" });
