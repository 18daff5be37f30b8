/**
 * Every error leaves as RFC 9457 `application/problem+json` with a catalog code, fastify's own
 * errors included (bad JSON, body too large, unsupported media type, unknown route). Messages name
 * fields and states, never values: no personal data in an error.
 */
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import type { ErrorCode } from "../errors/catalog.ts";
import { ApiProblem, toProblemBody } from "../errors/problem.ts";
import { StoreSyncFailed, StoreUnavailable } from "../storage/storage-errors.ts";

declare module "fastify" {
  interface FastifyInstance {
    /** Set when the app starts closing: new requests get 503. */
    closing: boolean;
  }
  interface FastifyRequest {
    /** The catalog code this request was answered with, once the error handler answered it. */
    problemCode: ErrorCode | null;
  }
}

const FASTIFY_CODES: Record<string, ErrorCode> = {
  FST_ERR_CTP_INVALID_JSON_BODY: "PASSERELLE_MALFORMED_JSON",
  FST_ERR_CTP_EMPTY_JSON_BODY: "PASSERELLE_EMPTY_BODY",
  FST_ERR_CTP_BODY_TOO_LARGE: "PASSERELLE_BODY_TOO_LARGE",
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "PASSERELLE_UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "PASSERELLE_MALFORMED_JSON",
};

export function sendProblem(reply: FastifyReply, problem: ApiProblem) {
  return reply
    .code(problem.status)
    .type("application/problem+json")
    .serializer(JSON.stringify)
    .send(toProblemBody(problem, reply.request.id));
}

function toApiProblem(error: FastifyError, request: FastifyRequest, bodyLimit: number): ApiProblem {
  if (error instanceof ApiProblem) return error;
  if (hasZodFastifySchemaValidationErrors(error)) {
    const where = error.validationContext ?? "body";
    const invalidFields = error.validation.map((issue) => ({
      path: `/${where}${issue.instancePath}`,
      message: issue.message ?? "invalid",
    }));
    return new ApiProblem("PASSERELLE_VALIDATION_FAILED", `The request ${where} is invalid`, {
      invalidFields,
    });
  }
  const mapped = error.code ? FASTIFY_CODES[error.code] : undefined;
  if (mapped === "PASSERELLE_BODY_TOO_LARGE") {
    return new ApiProblem(mapped, `The body exceeds ${bodyLimit} bytes`, { limitBytes: bodyLimit });
  }
  if (mapped === "PASSERELLE_UNSUPPORTED_MEDIA_TYPE") {
    return new ApiProblem(mapped, "Send bodies as application/json");
  }
  if (mapped)
    return new ApiProblem(
      mapped,
      mapped === "PASSERELLE_EMPTY_BODY" ? "The body is empty" : "The body is not valid JSON",
    );
  if (error instanceof StoreUnavailable) {
    request.log.warn({ reason: error.reason }, "the database is unreachable: 503 with a retry hint");
    return new ApiProblem("PASSERELLE_STORE_UNAVAILABLE", "The database cannot be reached; retry shortly");
  }
  if (error instanceof StoreSyncFailed) {
    request.log.error({ err: error }, "the store's sync failed: writes refused until restart");
    return new ApiProblem("PASSERELLE_STORE_SYNC_FAILED", "The store could not make writes durable");
  }
  if (error.statusCode === 400)
    return new ApiProblem("PASSERELLE_VALIDATION_FAILED", "The request is invalid");
  request.log.error({ err: error }, "unhandled error");
  return new ApiProblem("PASSERELLE_INTERNAL", "Internal error");
}

async function errorsPlugin(app: FastifyInstance) {
  const bodyLimit = app.initialConfig.bodyLimit ?? 1048576;
  app.decorate("closing", false);
  app.decorateRequest("problemCode", null);
  app.addHook("preClose", async () => {
    app.closing = true;
  });
  // A callback hook: it runs on every request (no promise and microtask for a flag check).
  app.addHook("onRequest", (_request, _reply, done) => {
    if (app.closing) return done(new ApiProblem("PASSERELLE_UNAVAILABLE", "The server is shutting down"));
    done();
  });
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const problem = toApiProblem(error, request, bodyLimit);
    request.problemCode = problem.code;
    if (problem.status < 500)
      request.log.info({ code: problem.code, status: problem.status }, "request refused");
    // The database comes back within seconds (a restart, a failover): say when to try again.
    if (problem.code === "PASSERELLE_STORE_UNAVAILABLE") reply.header("retry-after", "2");
    return sendProblem(reply, problem);
  });
  app.setNotFoundHandler((_request, reply) =>
    sendProblem(reply, new ApiProblem("PASSERELLE_ROUTE_NOT_FOUND", "No operation at this method and path")),
  );
}

export default fp(errorsPlugin, { name: "errors" });
