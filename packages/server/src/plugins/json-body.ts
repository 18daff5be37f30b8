/**
 * The JSON body parser: Fastify's own (prototype-poisoning checks included), behind a bound on how
 * deeply the body nests. A body nested thousands of levels deep is valid JSON that no field of this
 * API needs, and every recursive walk after parsing (validation, canonical JSON for
 * the audit hash) could overflow the stack on it. Refused before it is parsed.
 */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { ApiProblem } from "../errors/problem.ts";

/** Deepest nesting accepted: an event's data is an object of fields, some of them lists of objects. */
export const MAX_JSON_DEPTH = 32;

/**
 * How deeply a JSON text nests, counted until it passes `limit` (then `limit + 1`). A linear scan
 * that skips strings: brackets inside a string do not count. Hand-written because no maintained
 * parser bounds depth before building the value; it runs once per body, before `JSON.parse`.
 */
export function jsonDepth(text: string, limit = MAX_JSON_DEPTH): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c /* \ */) i++;
      else if (c === 0x22 /* " */) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
      depth++;
      if (depth > deepest) {
        deepest = depth;
        if (deepest > limit) return deepest;
      }
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) depth--;
  }
  return deepest;
}

async function jsonBodyPlugin(app: FastifyInstance) {
  const parse = app.getDefaultJsonParser("error", "error");
  app.removeContentTypeParser("application/json");
  app.addContentTypeParser("application/json", { parseAs: "string" }, (request, body, done) => {
    const text = body as string;
    if (jsonDepth(text) > MAX_JSON_DEPTH) {
      done(
        new ApiProblem("PASSERELLE_JSON_TOO_DEEP", `The body nests deeper than ${MAX_JSON_DEPTH} levels`, {
          maxDepth: MAX_JSON_DEPTH,
        }),
        undefined,
      );
      return;
    }
    parse(request, text, done);
  });
}

export default fp(jsonBodyPlugin, { name: "json-body" });
