import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ApiProblem } from "../errors/problem.ts";
import { problems } from "./responses.ts";

/**
 * Readiness: the process answers, and the store it writes every request's audit entry to can still
 * take writes. Not a liveness check: while PostgreSQL is down every instance answers 503 here, and
 * restarting them for it would only make them crash-loop (docs/operations.md, health checks) (the store's own cheap check: for SQLite, lock-free file checks, so that
 * a load balancer polling it costs the store nothing; for PostgreSQL, one query on the pool, which
 * answers 503 `PASSERELLE_STORE_UNAVAILABLE` while the database cannot be reached).
 */
const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/health",
    {
      config: { policy: "public" },
      schema: {
        tags: ["health"],
        summary: "Liveness; 503 when the store can no longer be written",
        response: {
          200: z
            .object({ status: z.literal("ok").describe("Always ok when the server answers") })
            .describe("Alive"),
          ...problems(503),
        },
      },
    },
    async () => {
      const health = await app.store.health();
      // The reason names a file or a host, never data: health answers anyone.
      if (!health.ok) throw new ApiProblem(health.code, health.reason);
      return { status: "ok" as const };
    },
  );
};
export default healthRoutes;
