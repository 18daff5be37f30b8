/**
 * The config of the route a request matched, read once per request: Fastify's
 * `request.routeOptions` builds a new object on every access, and the auth hooks, the audit draft
 * and the route handlers each need the route's policy — on every request.
 */
import type { FastifyRequest } from "fastify";

export type RouteConfig = FastifyRequest["routeOptions"]["config"];

declare module "fastify" {
  interface FastifyRequest {
    /** Set by `routeConfig` on first use (null until then). */
    routeConfigRead: RouteConfig | null;
  }
}

export function routeConfig(request: FastifyRequest): RouteConfig {
  let config = request.routeConfigRead;
  if (config === null) {
    config = request.routeOptions.config;
    request.routeConfigRead = config;
  }
  return config;
}
