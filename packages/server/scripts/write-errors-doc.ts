/**
 * Rewrites the "## Codes" section of docs/errors.md from the error catalog:
 * `pnpm --filter @passerelle/server errors-doc`. The text above the section is kept as written.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { ERROR_CATALOG } from "../src/errors/catalog.ts";

const file = fileURLToPath(new URL("../../../docs/errors.md", import.meta.url));
const doc = readFileSync(file, "utf8");
const head = doc.slice(0, doc.indexOf("## Codes"));
const sections = Object.entries(ERROR_CATALOG).map(
  ([code, e]) => `### ${code}\n\n- Status: **${e.status}**\n- Title: ${e.title}\n\n${e.description}\n`,
);
writeFileSync(file, `${head}## Codes\n\n${sections.join("\n")}`);
process.stdout.write(`wrote ${file} (${sections.length} codes)\n`);
