import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ApiProblem } from "../errors/problem.ts";
import { writableNow } from "../storage/sqlite/store-checks.ts";
import { problems } from "./responses.ts";

/**
 * Liveness and readiness: the process answers, and the store it writes every request's audit entry
 * to is still writable (a file made read-only, or a disk remounted read-only, while it runs). Lock-
 * free file checks only, so that a load balancer polling it costs the store nothing.
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
      const writable = writableNow(app.sqlite.name);
      // The reason names the file, never data: health answers anyone.
      if (!writable.ok) throw new ApiProblem("PASSERELLE_STORE_UNWRITABLE", writable.reason);
      return { status: "ok" as const };
    },
  );
};
export default healthRoutes;
