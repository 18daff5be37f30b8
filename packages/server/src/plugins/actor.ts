/**
 * Who is making the request. Every write records it. Until authentication lands (issue 5) every
 * request is made by "anonymous"; the auth plugin will replace this hook, not the routes.
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
