/** OpenAPI document at /openapi.json and interactive docs at /docs, generated from the route schemas. */
import swagger, { type SwaggerTransform } from "@fastify/swagger";
import swaggerUi from "@fastify/swagger-ui";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { jsonSchemaTransform } from "fastify-type-provider-zod";
import type { OpenAPIV3_1 } from "openapi-types";
import { POLICIES, type PolicyName } from "../policy/policies.ts";
import { OPERATION_IDS } from "./operation-ids.ts";

/**
 * Each route's schema as zod-to-JSON-schema makes it, plus what only the route knows: its
 * operationId, and that it needs no token when its policy needs none (the document's default is a
 * bearer token).
 */
const transform: SwaggerTransform = (input) => {
  const result = jsonSchemaTransform(input);
  const schema = { ...result.schema } as Record<string, unknown>;
  const method = [input.route.method].flat()[0];
  schema.operationId ??= OPERATION_IDS[`${method} ${input.url}`];
  const policy = (input.route.config as { policy?: PolicyName } | undefined)?.policy;
  if (policy !== undefined && !POLICIES[policy].authenticated) schema.security = [];
  return { ...result, schema };
};

/** Every error answer is an RFC 9457 problem document, sent as `application/problem+json`. */
function problemContentTypes({ openapiObject }: { openapiObject: Partial<OpenAPIV3_1.Document> }) {
  for (const item of Object.values(openapiObject.paths ?? {})) {
    for (const operation of Object.values(item ?? {})) {
      const responses = (operation as OpenAPIV3_1.OperationObject).responses ?? {};
      for (const [status, response] of Object.entries(responses)) {
        const content = (response as OpenAPIV3_1.ResponseObject).content;
        const json = content?.["application/json"];
        if (Number(status) < 400 || !content || !json) continue;
        delete content["application/json"];
        content["application/problem+json"] = json;
      }
    }
  }
  return openapiObject;
}

async function swaggerPlugin(app: FastifyInstance) {
  await app.register(swagger, {
    openapi: {
      openapi: "3.1.0",
      info: {
        title: "Passerelle API",
        version: "1.0.0",
        description:
          "Workflow engine and API for National Referral Mechanisms. Errors are RFC 9457 `application/problem+json` with a stable `code` (see docs/errors.md).",
        license: { name: "Apache-2.0", identifier: "Apache-2.0" },
      },
      // Relative: the server that serves this document; the second is `pnpm start`'s default port.
      servers: [
        { url: "/", description: "The server that serves this document" },
        {
          url: "http://localhost:{port}",
          description: "A server started with `pnpm start` on this machine, on the PORT it was given",
          variables: { port: { default: "3000" } },
        },
      ],
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
      // Every operation needs a bearer token but those whose policy needs none (`transform`).
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
    transform,
    transformObject: problemContentTypes as never,
  });
  await app.register(swaggerUi, {
    routePrefix: "/docs",
    // The API's CSP is `default-src 'none'` (plugins/security.ts); the docs pages carry their own, with
    // the hashes of Swagger UI's inline code, so they still work.
    staticCSP: true,
  });
  app.get("/openapi.json", { schema: { hide: true } }, async () => app.swagger());
}

export default fp(swaggerPlugin, { name: "swagger" });
