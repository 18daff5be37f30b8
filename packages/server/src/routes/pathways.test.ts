import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, type TestApp } from "../testing/build.ts";

let t: TestApp;
beforeAll(async () => {
  t = await build();
});
afterAll(async () => {
  await t.close();
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
});
