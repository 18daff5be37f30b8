/**
 * Who is making the request. Every write records it. The auth plugin sets it to the authenticated
 * user's id; with the protections off (tests of unrelated behaviour, the benchmark baseline) every
 * request is made by "anonymous".
 */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

declare module "fastify" {
  interface FastifyRequest {
    actor: string;
  }
}

async function actorPlugin(app: FastifyInstance) {
  app.decorateRequest("actor", "anonymous");
}

export default fp(actorPlugin, { name: "actor" });
