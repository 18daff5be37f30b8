/**
 * Pathway versions: what each country has, the definition of one version, and its diagram.
 * Diagram: `text/vnd.mermaid` by default; JSON `{ mermaid }` when the client accepts only JSON.
 *
 * A published version never changes (the server refuses to start if one's hash did), and a
 * definition holds no personal data: `/versions/:version` of a published version may be kept by
 * the browser (`private, immutable`, ETag = its hash, 304 when the client has it), so a slow
 * network carries it once per device. Drafts, the country's answer (its latest published version
 * moves on when one is published) and every other answer stay `no-store`.
 */
import { CountryCode } from "@passerelle/definitions";
import { toMermaid } from "@passerelle/engine";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { ApiProblem } from "../errors/problem.ts";
import type { RegisteredPathway } from "../pathways/pathway-registry.ts";
import { problems } from "./responses.ts";

const VersionSummary = z
  .object({
    version: z.number().int().describe("Version number"),
    status: z.enum(["draft", "published"]).describe("Only published versions accept new cases"),
    hash: z.string().describe("Content hash sha256:<hex> of the canonical definition"),
    effectiveDate: z.string().describe("Date from which the version applies to new cases"),
    publishedAt: z.string().nullable().describe("When this server first stored it as published"),
    title: z.record(z.string(), z.string()).describe("Title by language"),
  })
  .describe("One pathway version");

const VersionDetail = VersionSummary.extend({
  country: z.string().describe("Country code"),
  definition: z
    .record(z.string(), z.unknown())
    .describe("The pathway definition (see the pathway JSON Schema)"),
}).describe("A pathway version with its definition");

const CountryPathways = z
  .object({
    country: z.string().describe("Country code (ISO 3166-1 alpha-2, or INTL)"),
    latestPublished: z.number().int().nullable().describe("Version new cases are pinned to by default"),
    versions: z.array(VersionSummary).describe("Every version, oldest first"),
  })
  .describe("A country's pathway versions");

const CountryParams = z.object({ country: CountryCode });
const VersionParams = z.object({
  country: CountryCode,
  version: z.coerce.number().int().min(1).describe("Version number"),
});

/**
 * Caching of a published version: `private` (the answer needs a token, so no shared cache keeps
 * it), a year, `immutable` (a reload does not even revalidate it).
 */
export const PUBLISHED_VERSION_CACHE = "private, max-age=31536000, immutable";

/** Weak: the same definition is sent as brotli, gzip or plain, each its own bytes. */
export const versionETag = (hash: string) => `W/"${hash}"`;

/** If-None-Match (weak comparison, RFC 9110 §13.1.2): `*` or any listed tag equal to ours. */
function matchesETag(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  const bare = (tag: string) => tag.trim().replace(/^W\//, "");
  return header.split(",").some((tag) => tag.trim() === "*" || bare(tag) === bare(etag));
}

function summary(p: RegisteredPathway) {
  return {
    version: p.pathway.version,
    status: p.status,
    hash: p.hash,
    effectiveDate: p.pathway.effectiveDate,
    publishedAt: p.publishedAt,
    title: p.pathway.title as Record<string, string>,
  };
}

const pathwayRoutes: FastifyPluginAsyncZod = async (app) => {
  const countryView = (country: string) => {
    const versions = app.pathways.versions(country);
    if (versions.length === 0)
      throw new ApiProblem("PASSERELLE_PATHWAY_NOT_FOUND", `No pathway for country ${country}`);
    return {
      country,
      latestPublished: app.pathways.latestPublished(country)?.pathway.version ?? null,
      versions: versions.map(summary),
    };
  };
  const versionOf = (country: string, version: number) => {
    const found = app.pathways.get(country, version);
    if (!found) throw new ApiProblem("PASSERELLE_PATHWAY_NOT_FOUND", `No pathway ${country}@${version}`);
    return found;
  };

  app.get(
    "/v1/pathways",
    {
      config: { policy: "pathway:read" },
      schema: {
        tags: ["pathways"],
        summary: "Every country's pathway versions",
        response: {
          200: z.object({ countries: z.array(CountryPathways).describe("By country") }).describe("Pathways"),
        },
      },
    },
    async () => ({ countries: app.pathways.countries().map(countryView) }),
  );

  app.get(
    "/v1/pathways/:country",
    {
      config: { policy: "pathway:read" },
      schema: {
        tags: ["pathways"],
        summary: "One country's versions, with the definition of the latest published",
        params: CountryParams,
        response: {
          200: CountryPathways.extend({
            latest: VersionDetail.nullable().describe("Latest published version"),
          }).describe("A country's pathways"),
          ...problems(400, 404),
        },
      },
    },
    async (request) => {
      const view = countryView(request.params.country);
      const latest = app.pathways.latestPublished(request.params.country);
      return {
        ...view,
        latest: latest
          ? { ...summary(latest), country: latest.pathway.country, definition: latest.definition }
          : null,
      };
    },
  );

  app.get(
    "/v1/pathways/:country/versions/:version",
    {
      config: { policy: "pathway:read" },
      // A route's own onSend runs after the security plugin's `no-store`: only an answer about a
      // published version (the handler gave it its ETag) is made cacheable.
      onSend: (_request, reply, payload, done) => {
        if (reply.hasHeader("etag") && (reply.statusCode === 200 || reply.statusCode === 304))
          reply.header("cache-control", PUBLISHED_VERSION_CACHE);
        done(null, payload);
      },
      schema: {
        tags: ["pathways"],
        summary: "One pathway version with its definition",
        description:
          "A published version never changes: it is sent with `Cache-Control: private, max-age=31536000, immutable` and `ETag` (weak, its content hash), and `If-None-Match` with that tag is answered `304`. A draft is `no-store`.",
        params: VersionParams,
        response: {
          200: VersionDetail,
          304: z.null().describe("Not modified: the client's copy (If-None-Match) is this version"),
          ...problems(400, 404),
        },
      },
    },
    async (request, reply) => {
      const found = versionOf(request.params.country, request.params.version);
      if (found.status === "published") {
        const etag = versionETag(found.hash);
        reply.header("etag", etag);
        // No body at all (a `null` would be serialised as four bytes).
        if (matchesETag(request.headers["if-none-match"], etag))
          return reply.code(304).send(undefined as unknown as null);
      }
      return { ...summary(found), country: found.pathway.country, definition: found.definition };
    },
  );

  const diagrams = new Map<string, string>();
  app.get(
    "/v1/pathways/:country/versions/:version/diagram",
    {
      config: { policy: "pathway:read" },
      schema: {
        tags: ["pathways"],
        summary: "Mermaid stateDiagram-v2 of a version",
        description:
          "Returns `text/vnd.mermaid` by default. A client that accepts `application/json` but not text gets `{ mermaid }`. `language` picks the label language.",
        params: VersionParams,
        querystring: z.object({
          language: z
            .string()
            .min(2)
            .max(8)
            .optional()
            .describe("Label language (default: the pathway's first)"),
        }),
        response: {
          200: z
            .union([z.string(), z.object({ mermaid: z.string().describe("Mermaid text") })])
            .describe("Mermaid diagram"),
          ...problems(400, 404),
        },
      },
    },
    async (request, reply) => {
      const found = versionOf(request.params.country, request.params.version);
      const key = `${found.pathway.country}@${found.pathway.version}#${found.hash}/${request.query.language ?? ""}`;
      let mermaid = diagrams.get(key);
      if (mermaid === undefined) {
        mermaid = toMermaid(
          found.pathway,
          request.query.language ? { language: request.query.language } : {},
        );
        diagrams.set(key, mermaid);
      }
      const accept = request.headers.accept ?? "";
      if (accept.includes("application/json") && !accept.includes("text/")) return { mermaid };
      return reply
        .type("text/vnd.mermaid; charset=utf-8")
        .serializer((payload) => payload as string)
        .send(mermaid);
    },
  );
};
export default pathwayRoutes;
