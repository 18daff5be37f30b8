/**
 * The OpenAPI document as committed in docs/api/openapi.json: generated from the route schemas of
 * an app built on a throw-away database. `scripts/write-openapi.ts` writes it; a test fails when
 * the committed copy is stale.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildApp } from "./app.ts";

export const OPENAPI_FILE = fileURLToPath(new URL("../../../docs/api/openapi.json", import.meta.url));

export async function openApiText(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "passerelle-openapi-"));
  const app = await buildApp({
    databaseUrl: join(dir, "openapi.db"),
    logger: { level: "silent" },
  });
  try {
    return `${JSON.stringify(app.swagger(), null, 2)}\n`;
  } finally {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
