/**
 * Every interface string exists in English, French and Vietnamese, with the same ICU arguments,
 * and every message id the code uses literally exists.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type MessageFormatElement, parse, TYPE } from "@formatjs/icu-messageformat-parser";
import { describe, expect, it } from "vitest";
import en from "./en.json";
import fr from "./fr.json";
import vi from "./vi.json";

const CATALOGS: Record<string, Record<string, string>> = { en, fr, vi };

function argumentsOf(elements: MessageFormatElement[], into = new Set<string>()): Set<string> {
  for (const element of elements) {
    if (element.type === TYPE.literal || element.type === TYPE.pound) continue;
    if ("value" in element && typeof element.value === "string" && element.type !== TYPE.tag)
      into.add(element.value);
    if ("options" in element) {
      for (const option of Object.values(element.options)) argumentsOf(option.value, into);
    }
  }
  return into;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("interface messages", () => {
  it("has every key in every language, and no extra key", () => {
    const keys = Object.keys(en).sort();
    for (const [language, catalog] of Object.entries(CATALOGS)) {
      expect(Object.keys(catalog).sort(), `keys of ${language}`).toEqual(keys);
      for (const [key, value] of Object.entries(catalog)) {
        expect(value.trim(), `${language} ${key} is empty`).not.toBe("");
      }
    }
  });

  it("uses the same ICU arguments in every language", () => {
    for (const key of Object.keys(en)) {
      const expected = [...argumentsOf(parse(en[key as keyof typeof en]))].sort();
      for (const [language, catalog] of Object.entries(CATALOGS)) {
        const found = [...argumentsOf(parse(catalog[key]!))].sort();
        expect(found, `${language} ${key}`).toEqual(expected);
      }
    }
  });

  it("defines every message id the code uses", () => {
    const src = fileURLToPath(new URL("..", import.meta.url));
    const used = new Set<string>();
    for (const file of sourceFiles(src)) {
      for (const match of readFileSync(file, "utf8").matchAll(/\bt\("([A-Za-z0-9.]+)"/g)) used.add(match[1]!);
    }
    expect(used.size).toBeGreaterThan(50);
    const missing = [...used].filter((id) => !(id in en));
    expect(missing).toEqual([]);
  });
});
