import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPathwayFile } from "./parse.ts";
import type { Pathway } from "./pathway.ts";

/** Where the shipped pathways live: `pathways/<COUNTRY>/<version>.yaml`. */
export const PATHWAYS_DIR = fileURLToPath(new URL("../pathways/", import.meta.url));

const COUNTRY_DIR = /^([A-Z]{2}|INTL)$/;
// Only `<version>.yaml`: `1.scenarios.yaml` and other companions sit beside the pathways.
const VERSION_FILE = /^([1-9][0-9]*)\.yaml$/;

/** A shipped pathway with the file it was read from. */
export interface ShippedPathway {
  file: string;
  pathway: Pathway;
}

/** Every shipped pathway file, absolute, sorted by country then version. */
export function listShippedPathwayFiles(dir: string = PATHWAYS_DIR): string[] {
  const files: { file: string; country: string; version: number }[] = [];
  for (const country of safeReaddir(dir).filter((name) => COUNTRY_DIR.test(name))) {
    const countryDir = join(dir, country);
    if (!statSync(countryDir).isDirectory()) continue;
    for (const name of safeReaddir(countryDir)) {
      const match = VERSION_FILE.exec(name);
      if (match) files.push({ file: join(countryDir, name), country, version: Number(match[1]) });
    }
  }
  files.sort((a, b) => a.country.localeCompare(b.country) || a.version - b.version);
  return files.map((f) => f.file);
}

// Parsed files by path, re-read when the file's modification time changes (an author editing a
// draft while the server runs sees the change; nobody pays for parsing twice).
const cache = new Map<string, { mtimeMs: number; pathway: Pathway }>();

function loadShipped(file: string): Pathway {
  const mtimeMs = statSync(file).mtimeMs;
  const hit = cache.get(file);
  if (hit && hit.mtimeMs === mtimeMs) return hit.pathway;
  const result = loadPathwayFile(file);
  if (!result.ok) {
    const lines = result.problems.map((p) => `  ${p.path || "(root)"}: ${p.message}`);
    throw new Error(`Shipped pathway ${file} is invalid:\n${lines.join("\n")}`);
  }
  const { pathway } = result;
  const [version, country] = [file.split(/[\\/]/).at(-1), file.split(/[\\/]/).at(-2)];
  if (pathway.country !== country || `${pathway.version}.yaml` !== version) {
    throw new Error(
      `Shipped pathway ${file} says ${pathway.country}@${pathway.version}; its path must be ${pathway.country}/${pathway.version}.yaml`,
    );
  }
  cache.set(file, { mtimeMs, pathway });
  return pathway;
}

/** Every shipped pathway with its file. Throws if one is invalid or sits at the wrong path. */
export function shippedPathwayFiles(dir: string = PATHWAYS_DIR): ShippedPathway[] {
  return listShippedPathwayFiles(dir).map((file) => ({ file, pathway: loadShipped(file) }));
}

/** Every shipped pathway, parsed. Throws if one is invalid. */
export function shippedPathways(dir: string = PATHWAYS_DIR): Pathway[] {
  return shippedPathwayFiles(dir).map((s) => s.pathway);
}

/**
 * One shipped pathway: the given version (draft or published: a case pinned to it must stay
 * loadable), or the latest published version when none is given.
 */
export function getShippedPathway(
  country: string,
  version?: number,
  dir: string = PATHWAYS_DIR,
): Pathway | undefined {
  const versions = shippedPathways(dir).filter((p) => p.country === country);
  if (version !== undefined) return versions.find((p) => p.version === version);
  return versions.filter((p) => p.status === "published").sort((a, b) => b.version - a.version)[0];
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir).sort();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw error;
  }
}
