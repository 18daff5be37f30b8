/** Problem responses shared by the route schemas (one per status an operation can return). */
import type { FastifyReply } from "fastify";
import { Problem } from "../errors/problem.ts";

export const problems = <S extends number>(...statuses: S[]) =>
  Object.fromEntries(
    statuses.map((s) => [s, Problem.describe(`Problem (status ${s}); see docs/errors.md`)]),
  ) as Record<S, typeof Problem>;

/**
 * Sends an answer serialised already, by the same compiled serializer as the route's own
 * (`response-serializer.ts`). Fastify sends a string or a buffer as is.
 */
export function sendSerialized(reply: FastifyReply, json: string | Buffer): FastifyReply {
  return reply.type("application/json; charset=utf-8").send(json);
}
