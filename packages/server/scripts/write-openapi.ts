/**
 * Writes docs/api/openapi.json from the route schemas: `pnpm --filter @passerelle/server openapi`.
 * With `--check`, writes nothing and exits 1 when the committed copy is stale.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { OPENAPI_FILE, openApiText } from "../src/openapi.ts";

const text = await openApiText();
if (process.argv.includes("--check")) {
  const current = readFileSync(OPENAPI_FILE, "utf8");
  if (current !== text) {
    process.stderr.write(`${OPENAPI_FILE} is stale: run pnpm --filter @passerelle/server openapi\n`);
    process.exit(1);
  }
  process.stdout.write("openapi.json is up to date\n");
} else {
  writeFileSync(OPENAPI_FILE, text);
  process.stdout.write(`wrote ${OPENAPI_FILE}\n`);
}
