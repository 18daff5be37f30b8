import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { expect, it } from "vitest";
import { LINT_RULES, RAW_LINT_RULES } from "./index.ts";

const GUIDE = fileURLToPath(new URL("../../../../docs/pathway-authoring.md", import.meta.url));

it("the authoring guide's 'Checking a draft' section lists every lint rule", () => {
  const text = readFileSync(GUIDE, "utf8");
  const start = text.indexOf("## Checking a draft");
  expect(start).toBeGreaterThanOrEqual(0);
  const end = text.indexOf("\n## ", start + 1);
  const section = text.slice(start, end === -1 ? undefined : end);
  for (const rule of [...LINT_RULES, ...RAW_LINT_RULES]) expect(section).toContain(`| \`${rule.id}\` |`);
});
