/**
 * Anonymised aggregates for the committee (national statistics) and supervisors: case counts by
 * reportable attributes only, never a case id or a personal field. Small cells (1–4 cases) are
 * withheld, because in a small country a count of one can identify a person, with complementary
 * cells wherever subtraction could recover them (`small-cells.ts`).
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ApiProblem } from "../errors/problem.ts";
import { problems } from "../routes/responses.ts";
import { REPORTABLE } from "../storage/stats-repository.ts";
import { protectTables, publishedTable } from "./small-cells.ts";
import { agencyParts } from "./visible-to.ts";

/** Counts below this are withheld. */
export const MIN_CELL = 5;
/**
 * Dimensions one breakdown may cross. Two-way tables are what national reports publish, and what
 * complementary suppression protects (`small-cells.ts`); deeper crossings mostly hold cells of one.
 */
export const MAX_DIMENSIONS = 2;

const DIMENSIONS: readonly string[] = REPORTABLE;

const aggregateRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/v1/stats/cases",
    {
      config: { policy: "stats:read" },
      schema: {
        tags: ["stats"],
        summary: "Case counts by reportable attributes (no personal data)",
        description: `The committee sees its country; a supervisor the cases owned by their agency. At most ${MAX_DIMENSIONS} dimensions. Cells with fewer than ${MIN_CELL} cases are withheld, and further cells with them wherever subtraction from a total or from another breakdown could recover them; withheld cells are left out (labels included) and counted in \`withheldCells\`.`,
        querystring: z.object({
          groupBy: z
            .string()
            .regex(/^[a-zA-Z]+(,[a-zA-Z]+)*$/)
            .default("stage")
            .describe(`Comma-separated: ${DIMENSIONS.join(", ")}`),
        }),
        response: {
          200: z
            .object({
              country: z.string().describe("Country counted"),
              groupBy: z.array(z.string()).describe("Dimensions"),
              minCell: z.number().int().describe("Smallest count shown"),
              rows: z
                .array(z.record(z.string(), z.union([z.string(), z.number(), z.null()])))
                .describe("One row per published combination: the dimensions and `count`"),
              withheldCells: z.number().int().describe("Combinations withheld (small, or complementary)"),
            })
            .describe("Aggregates"),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const dims = request.query.groupBy.split(",");
      const unknown = dims.filter((d) => !DIMENSIONS.includes(d));
      if (unknown.length > 0) {
        throw new ApiProblem("PASSERELLE_VALIDATION_FAILED", "Unknown groupBy dimension", {
          invalidFields: unknown.map((d) => ({
            path: "/querystring/groupBy",
            message: `unknown dimension ${d}`,
          })),
        });
      }
      if (dims.length > MAX_DIMENSIONS || new Set(dims).size !== dims.length) {
        throw new ApiProblem(
          "PASSERELLE_VALIDATION_FAILED",
          `At most ${MAX_DIMENSIONS} different groupBy dimensions`,
          {
            invalidFields: [
              { path: "/querystring/groupBy", message: `at most ${MAX_DIMENSIONS} dimensions` },
            ],
          },
        );
      }
      const principal = request.principal;
      const own = principal ? agencyParts(principal.agencyId) : undefined;
      // A committee member sees their country; a supervisor the cases their agency owns.
      const finest = await app.store.stats.caseCounts({
        ...(own && { country: own.country }),
        ...(principal?.role === "supervisor" && own && { agency: own.code }),
      });
      // Suppression is decided over every breakdown at once (small-cells.ts): the finest grouping
      // first, then every one- and two-way table cut from it.
      const all = DIMENSIONS;
      const sorted = [...dims].sort((a, b) => all.indexOf(a) - all.indexOf(b));
      const published = publishedTable(protectTables(finest, all, MIN_CELL), sorted);
      const rows = published.rows.map((r) => ({
        ...Object.fromEntries(dims.map((d) => [d, r[d]!])),
        count: r.count!,
      }));
      return {
        country: own?.country ?? "*",
        groupBy: dims,
        minCell: MIN_CELL,
        rows,
        withheldCells: published.withheldCells,
      };
    },
  );
};
export default aggregateRoutes;
