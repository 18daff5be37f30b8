/**
 * Compressed API answers (brotli, else gzip) for clients that accept them: on the field's slow
 * networks a pathway definition is about 56 KB of JSON and 8 KB with brotli. Only `/v1/` answers
 * of at least COMPRESSION_THRESHOLD_BYTES: smaller ones gain less than the encoding costs, and the
 * console's own files are compressed once at build (sent as they are by its plugin), never here.
 * Request bodies are not decompressed: the body limit keeps meaning the bytes the server parses.
 *
 * Never compressed, whatever their size — answers where a secret sits beside content someone else
 * may choose, the shape a compression oracle (BREACH) needs, where the answer's length would tell
 * an eavesdropper how much of the secret an injected guess matched:
 * - `/v1/auth/*`: the login answer carries a new bearer token next to the account's login name and
 *   details; no answer under it is large enough for compression to matter.
 * - a user's API tokens (`/v1/admin/users/:userId/tokens`): issuing one is the one other answer
 *   with a token; the list beside it (no token values) is small.
 * - the person read (`GET /v1/cases/:id/person`): names, contacts and identity numbers, with the
 *   personal fields of events that other caseworkers typed. Nothing an outsider sends is echoed in
 *   it, and a bearer token held in page memory means no other site can make a browser repeat the
 *   read; but it is read one at a time behind a deliberate, audited step and is mostly under the
 *   threshold anyway, so compressing it would save nothing worth any doubt about the most
 *   sensitive answer.
 * Other answers may carry text users typed (a referral's purpose) but no secret to guess at: their
 * ids are pseudonymous and shown to whoever may read the answer at all, and the API's credential
 * travels in a request header, never in an answer other than those above.
 */
import fastifyCompress from "@fastify/compress";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/** Answers smaller than this are sent as they are (a list page of a few items, a problem document). */
export const COMPRESSION_THRESHOLD_BYTES = 1024;

/** Routes whose answers are never compressed (see above), matched on the route's own pattern. */
export const UNCOMPRESSED_ROUTES: readonly RegExp[] = [
  /^\/v1\/auth\//,
  /^\/v1\/admin\/users\/:userId\/tokens$/,
  /^\/v1\/cases\/:id\/person$/,
];

/** Whether a route's answers may be compressed (its URL pattern, e.g. `/v1/cases/:id`). */
export function compressible(url: string): boolean {
  return url.startsWith("/v1/") && !UNCOMPRESSED_ROUTES.some((pattern) => pattern.test(url));
}

export interface CompressionOptions {
  /** Answers smaller than this are sent as they are (default COMPRESSION_THRESHOLD_BYTES). */
  threshold?: number;
}

async function compressionPlugin(app: FastifyInstance, options: CompressionOptions) {
  // Runs before @fastify/compress's own onRoute hook (added below), which reads `compress`.
  app.addHook("onRoute", (route) => {
    if (!compressible(route.url)) route.compress = false;
  });
  await app.register(fastifyCompress, {
    global: true,
    globalDecompression: false,
    encodings: ["br", "gzip"],
    threshold: options.threshold ?? COMPRESSION_THRESHOLD_BYTES,
  });
}

export default fp(compressionPlugin, { name: "compression" });
