/** OpenAPI document at /openapi.json and interactive docs at /docs, generated from the route schemas. */
import swagger from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { jsonSchemaTransform } from "fastify-type-provider-zod";

async function swaggerPlugin(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Passerelle API",
        version: "1.0.0",
        description:
          "Workflow engine and API for National Referral Mechanisms. Errors are RFC 9457 `application/problem+json` with a stable `code` (see docs/errors.md).",
        license: { name: "Apache-2.0" },
      },
      tags: [
        { name: "health", description: "Liveness" },
        { name: "pathways", description: "Country referral pathways and their versions" },
        { name: "cases", description: "Cases and their events" },
        { name: "tasks", description: "Deadlines and follow-ups" },
        { name: "auth", description: "Login, logout, who am I" },
        { name: "consent", description: "Consent records of a case" },
        { name: "referrals", description: "Sharing a case with another agency; reassignment" },
        { name: "audit", description: "The hash-chained audit log (auditors)" },
        { name: "stats", description: "Anonymised aggregates (committee, supervisors)" },
      ],
      // Issue 5: every operation but /health, login and the docs needs a bearer token.
      components: {
        securitySchemes: {
          bearer: {
            type: "http",
            scheme: "bearer",
            description: "Opaque token (`psr_…`) from `POST /v1/auth/login` or `passerelle tokens create`",
          },
        },
      },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    // The API's CSP is `default-src 'none'` (auth/security.ts); the docs pages carry their own, with
    // the hashes of Swagger UI's inline code, so they still work.
    staticCSP: true,
  });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}

export default fp(swaggerPlugin, { name: "swagger" });
