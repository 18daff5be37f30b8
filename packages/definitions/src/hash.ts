import { createHash } from "node:crypto";
import type { Pathway } from "./pathway.ts";

/**
 * Canonical JSON: keys sorted at every level, no whitespace, `undefined` dropped as JSON does. Two
 * definitions that mean the same thing give the same text, whatever their key order or formatting.
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value) ?? "null";
  if (Array.isArray(value))
    return `[${value.map((item) => (item === undefined ? "null" : canonicalJson(item))).join(",")}]`;
  const entries = Object.keys(value)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(",")}}`;
}

/**
 * The identity of a pathway version's content: `sha256:<hex>` of the canonical JSON of the parsed
 * definition (defaults applied). Comments, formatting, key order and YAML-vs-JSON do not change it;
 * any change of content does. `$schema` is left out: it only tells editors where the schema is.
 */
export function contentHash(pathway: Pathway): string {
  const { $schema: _editorHint, ...content } = pathway;
  return `sha256:${createHash("sha256").update(canonicalJson(content)).digest("hex")}`;
}
