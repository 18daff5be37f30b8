/**
 * A request whose URL carries a NUL character (`%00`, in its path or its query) is refused before
 * anything reads it: 400, like any other malformed parameter. No id, filter or cursor of the API
 * holds one, and PostgreSQL text cannot: looked up, such a value failed its statement (a 500), and a
 * refusal recorded with it as its target failed its own audit entry. A NUL can only arrive
 * percent-encoded (Node's HTTP parser refuses a raw one in the request line).
 */
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";
import { ApiProblem } from "../errors/problem.ts";

const ENCODED_NUL = /%00/i;

async function urlTextPlugin(app: FastifyInstance) {
  app.addHook("onRequest", (request, _reply, done) => {
    if (ENCODED_NUL.test(request.raw.url ?? "")) {
      done(new ApiProblem("PASSERELLE_VALIDATION_FAILED", "The request URL holds a NUL character"));
      return;
    }
    done();
  });
}

export default fp(urlTextPlugin, { name: "url-text" });
