import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../app.ts";
import { build, TEST_PATHWAYS_DIR, type TestApp, tempDir } from "../testing/build.ts";

let t: TestApp;
/** ZZ version 1 published and a version 2 in draft. */
let withDraft: FastifyInstance;
let draftDir: string;
beforeAll(async () => {
  t = await build();
  draftDir = tempDir();
  mkdirSync(join(draftDir, "pathways", "ZZ"), { recursive: true });
  const published = readFileSync(join(TEST_PATHWAYS_DIR, "ZZ", "1.yaml"), "utf8");
  writeFileSync(join(draftDir, "pathways", "ZZ", "1.yaml"), published);
  writeFileSync(
    join(draftDir, "pathways", "ZZ", "2.yaml"),
    published.replace(/^version: 1$/m, "version: 2").replace(/^status: published$/m, "status: draft"),
  );
  withDraft = await buildApp({
    databaseUrl: join(draftDir, "p.db"),
    pathwayDirs: [join(draftDir, "pathways")],
    logger: { level: "silent" },
    protections: false,
  });
});
afterAll(async () => {
  await t.close();
  await withDraft?.close();
  rmSync(draftDir, { recursive: true, force: true });
});

describe("pathway routes", () => {
  it("lists every country with its versions, status and content hash", async () => {
    const res = await t.app.inject({ method: "GET", url: "/v1/pathways" });
    expect(res.statusCode).toBe(200);
    const countries = res.json().countries as {
      country: string;
      versions: { hash: string; status: string }[];
    }[];
    expect(countries.map((c) => c.country)).toEqual(expect.arrayContaining(["GH", "INTL", "ZZ"]));
    for (const c of countries) for (const v of c.versions) expect(v.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("serves a country with its latest published definition, and one version", async () => {
    const country = (await t.app.inject({ method: "GET", url: "/v1/pathways/ZZ" })).json();
    expect(country).toMatchObject({
      country: "ZZ",
      latestPublished: 1,
      latest: { version: 1, definition: { country: "ZZ" } },
    });
    const version = await t.app.inject({ method: "GET", url: "/v1/pathways/ZZ/versions/1" });
    expect(version.json()).toMatchObject({
      country: "ZZ",
      version: 1,
      status: "published",
      definition: { states: { closed: {} } },
    });
  });

  it("serves the diagram as text/vnd.mermaid, or as JSON when only JSON is accepted", async () => {
    const text = await t.app.inject({ method: "GET", url: "/v1/pathways/ZZ/versions/1/diagram" });
    expect(text.headers["content-type"]).toContain("text/vnd.mermaid");
    expect(text.body.startsWith("stateDiagram-v2")).toBe(true);
    const json = await t.app.inject({
      method: "GET",
      url: "/v1/pathways/ZZ/versions/1/diagram?language=fr",
      headers: { accept: "application/json" },
    });
    expect(json.json().mermaid).toContain("Accueil");
  });

  it("answers 404 for an unknown country or version and 400 for a malformed one", async () => {
    expect((await t.app.inject({ method: "GET", url: "/v1/pathways/QQ" })).json().code).toBe(
      "PASSERELLE_PATHWAY_NOT_FOUND",
    );
    expect((await t.app.inject({ method: "GET", url: "/v1/pathways/ZZ/versions/9" })).statusCode).toBe(404);
    expect((await t.app.inject({ method: "GET", url: "/v1/pathways/zz" })).statusCode).toBe(400);
  });

  it("lets the browser keep a published version (private, immutable, ETag = its hash) and answers 304 for it", async () => {
    const first = await t.app.inject({ method: "GET", url: "/v1/pathways/ZZ/versions/1" });
    expect(first.statusCode).toBe(200);
    expect(first.headers["cache-control"]).toBe("private, max-age=31536000, immutable");
    expect(first.headers.etag).toBe(`W/"${first.json().hash}"`);
    const again = await t.app.inject({
      method: "GET",
      url: "/v1/pathways/ZZ/versions/1",
      headers: { "if-none-match": String(first.headers.etag) },
    });
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe("");
    // A strong form of the same tag matches too (weak comparison); another tag does not.
    const strong = String(first.headers.etag).replace(/^W\//, "");
    const listed = await t.app.inject({
      method: "GET",
      url: "/v1/pathways/ZZ/versions/1",
      headers: { "if-none-match": `"sha256:00", ${strong}` },
    });
    expect(listed.statusCode).toBe(304);
    const other = await t.app.inject({
      method: "GET",
      url: "/v1/pathways/ZZ/versions/1",
      headers: { "if-none-match": 'W/"sha256:00"' },
    });
    expect(other.statusCode).toBe(200);
    expect(other.json().definition.country).toBe("ZZ");
  });

  it("keeps drafts, the country's answer, lists and problems out of every cache", async () => {
    const draft = await withDraft.inject({ method: "GET", url: "/v1/pathways/ZZ/versions/2" });
    expect(draft.json()).toMatchObject({ version: 2, status: "draft" });
    expect(draft.headers["cache-control"]).toBe("no-store");
    expect(draft.headers.etag).toBeUndefined();
    const conditional = await withDraft.inject({
      method: "GET",
      url: "/v1/pathways/ZZ/versions/2",
      headers: { "if-none-match": "*" },
    });
    expect(conditional.statusCode).toBe(200);
    const published = await withDraft.inject({ method: "GET", url: "/v1/pathways/ZZ/versions/1" });
    expect(published.headers["cache-control"]).toContain("immutable");
    for (const url of ["/v1/pathways", "/v1/pathways/ZZ", "/v1/pathways/ZZ/versions/9", "/v1/cases"]) {
      const res = await t.app.inject({ method: "GET", url });
      expect(res.headers["cache-control"], url).toBe("no-store");
      expect(res.headers.etag, url).toBeUndefined();
    }
  });
});
