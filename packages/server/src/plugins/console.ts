/**
 * Serves the built web console (packages/console/dist) from the same origin as the API, so the
 * console needs no CORS and its token never leaves this origin. The console's document gets its own
 * strict Content-Security-Policy: only this origin's scripts, styles and API, no inline script, no
 * framing. The API keeps `default-src 'none'` (auth/security.ts).
 *
 * Only four public routes, each declaring its policy like every other route: `/` (the page),
 * `/assets/:file` (hashed, immutable files), `/console-config.json` (settings the page reads) and
 * `/sw.js` (the service worker that keeps the page and its files for warm and offline loads).
 * Files are sent by @fastify/static's `sendFile`, which refuses paths outside the root.
 */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import fastifyStatic from "@fastify/static";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { ApiProblem } from "../errors/problem.ts";

/** Where `vite build` writes the console, relative to this file. */
export const DEFAULT_CONSOLE_DIR = fileURLToPath(new URL("../../../console/dist/", import.meta.url));

export const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "manifest-src 'self'",
  // The console's service worker (/sw.js), from this origin only.
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join("; ");

/** Idle minutes before the console signs the user out (PASSERELLE_CONSOLE_IDLE_MINUTES). */
export const IdleMinutes = z.coerce
  .number()
  .int()
  .min(1)
  .max(24 * 60)
  .default(30);

export interface ConsolePluginOptions {
  /** Directory of the built console (default: packages/console/dist). */
  dir?: string;
  /** Idle sign-out after this many minutes (default: PASSERELLE_CONSOLE_IDLE_MINUTES, else 30). */
  idleMinutes?: number;
}

/** The service worker's URL: at the root, so its scope is the whole console. */
const SERVICE_WORKER = "/sw.js";

const ASSET_PATTERN = /^[A-Za-z0-9._-]+\.(js|css|json|svg|png|woff2)$/;

export default async function consolePlugin(app: FastifyInstance, options: ConsolePluginOptions) {
  const dir = options.dir ?? process.env.PASSERELLE_CONSOLE_DIR ?? DEFAULT_CONSOLE_DIR;
  const idleMinutes = options.idleMinutes ?? IdleMinutes.parse(process.env.PASSERELLE_CONSOLE_IDLE_MINUTES);
  const built = () => existsSync(join(dir, "index.html"));
  // preCompressed: the build writes .br and .gz copies; they are sent as they are to a browser
  // that accepts them (slow field networks), with no compression work per request.
  await app.register(fastifyStatic, {
    root: dir,
    serve: false,
    etag: true,
    lastModified: false,
    preCompressed: true,
  });

  // Hooks of this plugin run after the security plugin's: the console's own CSP and caching win.
  app.addHook("onSend", (request, reply, payload, done) => {
    reply.header("content-security-policy", CONSOLE_CSP);
    if (request.url.startsWith("/assets/") && reply.statusCode === 200) {
      // Content-hashed names: a new build has new names, so these may be kept for a year.
      reply.header("cache-control", "public, max-age=31536000, immutable");
    }
    if (request.url === SERVICE_WORKER && reply.statusCode === 200) {
      // Revalidated at every check, so a deployment's new worker (and its new shell) is found at the
      // next load; the browser's own update check also bypasses this cache after 24 hours.
      reply.header("cache-control", "no-cache");
    }
    done(null, payload);
  });

  const hide = { hide: true };
  app.get("/", { config: { policy: "public" }, schema: hide }, async (_request, reply) => {
    if (!built()) {
      throw new ApiProblem(
        "PASSERELLE_ROUTE_NOT_FOUND",
        "The console is not built: run `npx --yes pnpm@10 --filter @passerelle/console build`",
      );
    }
    return reply.sendFile("index.html");
  });
  app.get<{ Params: { file: string } }>(
    "/assets/:file",
    { config: { policy: "public" }, schema: hide },
    async (request, reply) => {
      if (!ASSET_PATTERN.test(request.params.file) || !built()) {
        throw new ApiProblem("PASSERELLE_ROUTE_NOT_FOUND", "No such console file");
      }
      return reply.sendFile(`assets/${request.params.file}`);
    },
  );
  app.get(SERVICE_WORKER, { config: { policy: "public" }, schema: hide }, async (_request, reply) => {
    if (!existsSync(join(dir, "sw.js"))) {
      throw new ApiProblem("PASSERELLE_ROUTE_NOT_FOUND", "No such console file");
    }
    return reply.sendFile("sw.js");
  });
  app.get("/console-config.json", { config: { policy: "public" }, schema: hide }, async () => ({
    idleMinutes,
  }));
}
