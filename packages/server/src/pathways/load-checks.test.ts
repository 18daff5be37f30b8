import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { buildApp } from "../app.ts";
import { TEST_PATHWAYS_DIR, tempDir } from "../testing/build.ts";

const BROKEN = fileURLToPath(new URL("../../../definitions/fixtures/broken/", import.meta.url));

/** A pathways folder holding one broken fixture as a published `XX/1.yaml`. */
function extraFolder(fixture: string): { dir: string; file: string } {
  const dir = tempDir();
  mkdirSync(join(dir, "pathways", "XX"), { recursive: true });
  const file = join(dir, "pathways", "XX", "1.yaml");
  const text = readFileSync(join(BROKEN, fixture), "utf8")
    .replace(/^country: ZZ$/m, "country: XX")
    .replace(/^status: draft$/m, "status: published");
  writeFileSync(file, text);
  return { dir, file };
}

describe("pathways at load", () => {
  it.each([
    ["unknown-target.yaml", "states.identification.on.SCREENED[1].target", "unknown-target"],
    ["unknown-event.yaml", "states.assistance.states.support.on.FOLLOWED_UP", "unknown-event"],
  ])(
    "%s: the server refuses to start, naming the file, the path and the rule; nothing is stored",
    async (fixture, path, rule) => {
      const { dir, file } = extraFolder(fixture);
      const databaseUrl = join(dir, "p.db");
      const start = buildApp({
        databaseUrl,
        pathwayDirs: [TEST_PATHWAYS_DIR, join(dir, "pathways")],
        logger: { level: "silent" },
        protections: false,
      });
      await expect(start).rejects.toThrow(
        /problems? in the pathways to load; the server does not start with them/,
      );
      const message = await start.catch((error: Error) => error.message);
      expect(message).toContain(`${file}: ${path}: `);
      expect(message).toContain(`[${rule}]`);
      expect(message).toContain("pathways lint");
      // No hash was locked for the refused version (nor for any other: the start stopped before).
      const sqlite = new Database(databaseUrl, { readonly: true });
      expect(sqlite.prepare("SELECT count(*) FROM pathway_versions").pluck().get()).toBe(0);
      sqlite.close();
    },
  );
});
