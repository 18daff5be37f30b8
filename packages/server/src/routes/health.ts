import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";

/** Liveness: the process answers and the database is open. */
const healthRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/health",
    {
      config: { policy: "public" },
      schema: {
        tags: ["health"],
        summary: "Liveness",
        response: {
          200: z
            .object({ status: z.literal("ok").describe("Always ok when the server answers") })
            .describe("Alive"),
        },
      },
    },
    async () => ({ status: "ok" as const }),
  );
};
export default healthRoutes;
