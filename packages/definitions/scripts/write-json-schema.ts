/**
 * Writes pathway.schema.json from the zod `Pathway` schema, and the calendar and migration-plan schemas. Run after any change to the schema:
 *   pnpm --filter @passerelle/definitions build:schema
 * A test fails while the committed file is stale.
 */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { companionJsonSchemaTexts, pathwayJsonSchemaText } from "../src/json-schema.ts";

const file = fileURLToPath(new URL("../pathway.schema.json", import.meta.url));
writeFileSync(file, pathwayJsonSchemaText());
console.log(`wrote ${file}`);
for (const [name, text] of Object.entries(companionJsonSchemaTexts())) {
  const companion = fileURLToPath(new URL(`../${name}`, import.meta.url));
  writeFileSync(companion, text);
  console.log(`wrote ${companion}`);
}
