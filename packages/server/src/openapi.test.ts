import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { build } from "./testing/build.ts";

describe("OpenAPI", () => {
  it("the committed docs/api/openapi.json is up to date (run `pnpm --filter @passerelle/server openapi`)", async () => {
    // The check runs as the script does (tsx), so that the comparison is with what the script writes.
    const result = spawnSync(process.execPath, ["--import", "tsx", "scripts/write-openapi.ts", "--check"], {
      cwd: fileURLToPath(new URL("..", import.meta.url)),
      encoding: "utf8",
    });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  it("is served at /openapi.json with every v1 operation and a response schema per status", async () => {
    const t = await build();
    try {
      const doc = (await t.app.inject({ url: "/openapi.json" })).json();
      expect(doc.openapi).toBe("3.1.0");
      const paths = Object.keys(doc.paths);
      for (const path of [
        "/health",
        "/v1/pathways",
        "/v1/cases",
        "/v1/cases/{id}",
        "/v1/cases/{id}/events",
        "/v1/cases/{id}/history",
        "/v1/tasks",
        "/v1/tasks/{id}/complete",
      ]) {
        expect(paths).toContain(path);
      }
      expect(Object.keys(doc.paths["/v1/cases/{id}/events"].post.responses).sort()).toEqual([
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "413",
        "415",
        "422",
      ]);
      // The refusals of each route's policy are documented with it (plugins/auth.ts).
      expect(Object.keys(doc.paths["/v1/pathways"].get.responses).sort()).toEqual(["200", "401"]);
      expect(Object.keys(doc.paths["/health"].get.responses)).toEqual(["200", "503"]);
      const ui = await t.app.inject({ url: "/docs/" });
      expect(ui.statusCode).toBe(200);
      expect(ui.headers["content-type"]).toContain("text/html");
    } finally {
      await t.close();
    }
  });
});
