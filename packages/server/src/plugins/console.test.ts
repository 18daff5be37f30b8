/**
 * The console is served from the same origin with its own strict CSP, cached assets, and no way
 * out of its directory; the API keeps its own `default-src 'none'`.
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { brotliCompressSync, brotliDecompressSync } from "node:zlib";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app.ts";
import { TEST_PATHWAYS_DIR, tempDir } from "../testing/build.ts";

let app: FastifyInstance;
let dir: string;

async function appWith(consoleDir: string, idleMinutes?: number) {
  return buildApp({
    databaseUrl: join(dir, `${Math.random().toString(36).slice(2)}.db`),
    pathwayDirs: [TEST_PATHWAYS_DIR],
    logger: { level: "silent" },
    keys: { keyFile: join(dir, "keys.json"), generateIfMissing: true },
    console: { dir: consoleDir, ...(idleMinutes !== undefined && { idleMinutes }) },
  });
}

beforeAll(async () => {
  dir = tempDir();
  const dist = join(dir, "dist");
  mkdirSync(join(dist, "assets"), { recursive: true });
  writeFileSync(
    join(dist, "index.html"),
    '<!doctype html><script type="module" src="/assets/app-1.js"></script>',
  );
  writeFileSync(join(dist, "assets", "app-1.js"), "console.log(1)");
  writeFileSync(join(dist, "sw.js"), "self.addEventListener('fetch', () => {})");
  writeFileSync(join(dist, "assets", "app-1.js.br"), brotliCompressSync("console.log(1)"));
  writeFileSync(join(dir, "secret.txt"), "outside the console directory");
  app = await appWith(dist, 12);
});
afterAll(async () => {
  await app?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("console serving", () => {
  it("serves the page at / with a strict Content-Security-Policy and no caching", async () => {
    const res = await app.inject({ method: "GET", url: "/" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/text\/html/);
    expect(res.body).toContain("/assets/app-1.js");
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(csp).not.toContain("unsafe-eval");
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("serves hashed assets as immutable", async () => {
    const res = await app.inject({ method: "GET", url: "/assets/app-1.js" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/javascript/);
    expect(res.headers["cache-control"]).toContain("immutable");
  });

  it("sends the brotli copy to a browser that accepts it", async () => {
    const res = await app.inject({
      method: "GET",
      url: "/assets/app-1.js",
      headers: { "accept-encoding": "br, gzip" },
    });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-encoding"]).toBe("br");
    expect(brotliDecompressSync(res.rawPayload).toString()).toBe("console.log(1)");
    const direct = await app.inject({ method: "GET", url: "/assets/app-1.js.br" });
    expect(direct.statusCode).toBe(404);
  });

  it("never serves a file outside the console directory", async () => {
    for (const url of [
      "/assets/..%2F..%2Fsecret.txt",
      "/assets/../../secret.txt",
      "/assets/%2e%2e%2fsecret.txt",
    ]) {
      const res = await app.inject({ method: "GET", url });
      expect(res.statusCode, url).toBe(404);
      expect(res.body).not.toContain("outside the console directory");
    }
  });

  it("serves the service worker revalidated at every load, under a policy that allows it", async () => {
    const res = await app.inject({ method: "GET", url: "/sw.js" });
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/javascript/);
    expect(res.body).toContain("addEventListener('fetch'");
    // no-cache, not immutable: a deployment's new worker must be found at the next load.
    expect(res.headers["cache-control"]).toBe("no-cache");
    expect(res.headers["service-worker-allowed"]).toBeUndefined();
    const csp = String(res.headers["content-security-policy"]);
    expect(csp).toContain("worker-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    const page = await app.inject({ method: "GET", url: "/" });
    expect(String(page.headers["content-security-policy"])).toContain("worker-src 'self'");
  });

  it("tells the page the idle limit", async () => {
    const res = await app.inject({ method: "GET", url: "/console-config.json" });
    expect(res.json()).toEqual({ idleMinutes: 12 });
  });

  it("leaves the API's own policy alone", async () => {
    const res = await app.inject({ method: "GET", url: "/health" });
    expect(String(res.headers["content-security-policy"])).toContain("default-src 'none'");
    expect(res.headers["cache-control"]).toBe("no-store");
  });

  it("says how to build the console when it is not built", async () => {
    const bare = await appWith(join(dir, "nothing-here"));
    try {
      const res = await bare.inject({ method: "GET", url: "/" });
      expect(res.statusCode).toBe(404);
      expect(res.json()).toMatchObject({ code: "PASSERELLE_ROUTE_NOT_FOUND" });
      expect(res.json().detail).toContain("console build");
      expect((await bare.inject({ method: "GET", url: "/sw.js" })).statusCode).toBe(404);
    } finally {
      await bare.close();
    }
  });
});
