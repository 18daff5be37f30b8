/**
 * The JSON body parser: Fastify's own (prototype-poisoning checks included), behind two checks of
 * the text, made before it is parsed:
 * - how deeply it nests: a body nested thousands of levels deep is valid JSON that no field of
 *   this API needs, and every recursive walk after parsing (validation, canonical JSON for the
 *   audit hash) could overflow the stack on it;
 * - a NUL character (`\u0000`) in any string or key: no field of this API holds one, and
 *   PostgreSQL text cannot. Stored in a text column (an agency's name, a login), it failed its own
 *   statement with a 500 instead of a 400. The URL's own check is `url-text.ts`.
 */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { ApiProblem } from "../errors/problem.ts";

/** Deepest nesting accepted: an event's data is an object of fields, some of them lists of objects. */
export const MAX_JSON_DEPTH = 32;

export interface JsonScan {
  /** How deeply the text nests, counted until it passes the limit (then `limit + 1`). */
  depth: number;
  /** Whether a string or key holds the escape `\u0000`, seen before the scan stopped. */
  nul: boolean;
}

/**
 * One linear pass over a JSON text, before `JSON.parse`: its nesting depth (brackets inside a
 * string do not count) and whether a string holds a NUL. A raw NUL is not valid JSON, so the only
 * way to write one is the escape. Hand-written because no maintained parser bounds depth before
 * building the value; it runs once per body, and a depth past the limit stops it.
 */
export function scanJson(text: string, limit = MAX_JSON_DEPTH): JsonScan {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  let nul = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) {
        if (text.startsWith("u0000", i + 1)) nul = true;
        i++;
      } else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return { depth: deepest, nul };
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return { depth: deepest, nul };
}

async function jsonBodyPlugin(app: FastifyInstance) {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body as string;
    const scan = scanJson(text);
    if (scan.depth > MAX_JSON_DEPTH) {
      done(
        new ApiProblem("PASSERELLE_JSON_TOO_DEEP", `The body nests deeper than ${MAX_JSON_DEPTH} levels`, {
          maxDepth: MAX_JSON_DEPTH,
        }),
        undefined,
      );
      return;
    }
    if (scan.nul) {
      done(new ApiProblem("PASSERELLE_VALIDATION_FAILED", "The body holds a NUL character"), undefined);
      return;
    }
    parse(request, text, done);
  });
}

export default fp(jsonBodyPlugin, { name: "json-body" });
