/**
 * Anonymised aggregates for the committee (national statistics) and supervisors: case counts by
 * reportable attributes only, never a case id or a personal field. Small cells (1–4 cases) are
 * suppressed, because in a small country a count of one can identify a person.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ApiProblem } from "../errors/problem.ts";
import { problems } from "../routes/responses.ts";
import { agencyParts } from "./visible-to.ts";

/** Counts below this are withheld. */
export const MIN_CELL = 5;

const DIMENSIONS = {
  stage: "stage",
  outcome: "outcome",
  sex: "sex",
  ageBand: "age_band",
  nationality: "nationality",
  agency: "agency",
  pathwayVersion: "pathway_version",
} as const;
type Dimension = keyof typeof DIMENSIONS;

const aggregateRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/v1/stats/cases",
    {
      config: { policy: "stats:read" },
      schema: {
        tags: ["stats"],
        summary: "Case counts by reportable attributes (no personal data)",
        description: `The committee sees its country; a supervisor the cases owned by their agency. Cells with fewer than ${MIN_CELL} cases are suppressed (count null).`,
        querystring: z.object({
          groupBy: z
            .string()
            .regex(/^[a-zA-Z]+(,[a-zA-Z]+)*$/)
            .default("stage")
            .describe(`Comma-separated: ${Object.keys(DIMENSIONS).join(", ")}`),
        }),
        response: {
          200: z
            .object({
              country: z.string().describe("Country counted"),
              groupBy: z.array(z.string()).describe("Dimensions"),
              minCell: z.number().int().describe("Smallest count shown"),
              rows: z
                .array(z.record(z.string(), z.union([z.string(), z.number(), z.null()])))
                .describe("One row per combination: the dimensions and `count` (null when suppressed)"),
            })
            .describe("Aggregates"),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const dims = request.query.groupBy.split(",");
      const unknown = dims.filter((d) => !Object.hasOwn(DIMENSIONS, d));
      if (unknown.length > 0) {
        throw new ApiProblem("PASSERELLE_VALIDATION_FAILED", "Unknown groupBy dimension", {
          invalidFields: unknown.map((d) => ({
            path: "/querystring/groupBy",
            message: `unknown dimension ${d}`,
          })),
        });
      }
      const principal = request.principal;
      const own = principal ? agencyParts(principal.agencyId) : undefined;
      const where: string[] = [];
      const params: string[] = [];
      if (own) {
        where.push("country = ?");
        params.push(own.country);
      }
      if (principal?.role === "supervisor" && own) {
        where.push("agency = ?");
        params.push(own.code);
      }
      const columns = dims.map((d) => `${DIMENSIONS[d as Dimension]} AS "${d}"`).join(", ");
      const sql = `SELECT ${columns}, count(*) AS count FROM cases${where.length ? ` WHERE ${where.join(" AND ")}` : ""} GROUP BY ${dims.map((_, i) => i + 1).join(", ")} ORDER BY ${dims.map((_, i) => i + 1).join(", ")}`;
      const rows = (app.sqlite.prepare(sql).all(...params) as Record<string, string | number | null>[]).map(
        (r): Record<string, string | number | null> => ({
          ...r,
          count: (r.count as number) < MIN_CELL ? null : r.count!,
        }),
      );
      return { country: own?.country ?? "*", groupBy: dims, minCell: MIN_CELL, rows };
    },
  );
};
export default aggregateRoutes;
