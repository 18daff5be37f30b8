/**
 * Test support: the pathways and scenario files the engine's tests run over, loaded through the
 * definitions package, so that a newly shipped country is tested without touching this package.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPathwayFile, type Pathway, shippedPathwayFiles } from "@passerelle/definitions";
import { parse } from "yaml";

export const DEFINITIONS_DIR = fileURLToPath(new URL("../../../definitions/", import.meta.url));
export const PATHWAYS_DIR = join(DEFINITIONS_DIR, "pathways");
export const FIXTURES_DIR = join(DEFINITIONS_DIR, "fixtures");

const cache = new Map<string, Pathway>();

/** Parses and validates a pathway file with the definitions loader, once per file. */
export function loadPathway(file: string): Pathway {
  let pathway = cache.get(file);
  if (!pathway) {
    const result = loadPathwayFile(file);
    if (!result.ok) throw new Error(`${file} is invalid: ${JSON.stringify(result.problems)}`);
    pathway = result.pathway;
    cache.set(file, pathway);
  }
  return pathway;
}

export function readYaml<T>(file: string): T {
  return parse(readFileSync(file, "utf8")) as T;
}

/** The tiny made-up pathway (country ZZ) used throughout the engine's tests. */
export const tiny = (version: 1 | 2 = 1) => loadPathway(join(FIXTURES_DIR, "tiny", `${version}.yaml`));

/** Every shipped pathway (`pathways/<CC>/<n>.yaml`) with its file. */
export const shippedPathways = (): { file: string; pathway: Pathway }[] => shippedPathwayFiles();

/** The `<n>.scenarios.yaml` beside each shipped pathway, where there is one. */
export function shippedScenarioFiles(): string[] {
  return shippedPathways()
    .map(({ file }) => file.replace(/\.yaml$/, ".scenarios.yaml"))
    .filter((file) => existsSync(file));
}
