/**
 * Test support: the pathways and scenario files the engine's tests run over, read straight from
 * the definitions package so that a newly shipped country is tested without touching this package.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Pathway } from "@passerelle/definitions";
import { parse } from "yaml";

export const DEFINITIONS_DIR = fileURLToPath(new URL("../../../definitions/", import.meta.url));
export const PATHWAYS_DIR = join(DEFINITIONS_DIR, "pathways");
export const FIXTURES_DIR = join(DEFINITIONS_DIR, "fixtures");

const cache = new Map<string, Pathway>();

/** Parses a pathway file with the definitions schema (defaults applied), once per file. */
export function loadPathway(file: string): Pathway {
  let pathway = cache.get(file);
  if (!pathway) {
    pathway = Pathway.parse(parse(readFileSync(file, "utf8")));
    cache.set(file, pathway);
  }
  return pathway;
}

export function readYaml<T>(file: string): T {
  return parse(readFileSync(file, "utf8")) as T;
}

/** The tiny made-up pathway (country ZZ) used throughout the engine's tests. */
export const tiny = (version: 1 | 2 = 1) => loadPathway(join(FIXTURES_DIR, "tiny", `${version}.yaml`));

/** `pathways/<CC>/<n>.yaml` files, sorted. */
export function shippedPathwayFiles(): string[] {
  if (!existsSync(PATHWAYS_DIR)) return [];
  return readdirSync(PATHWAYS_DIR)
    .filter((country) => /^([A-Z]{2}|INTL)$/.test(country))
    .sort()
    .flatMap((country) =>
      readdirSync(join(PATHWAYS_DIR, country))
        .filter((name) => /^[1-9][0-9]*\.yaml$/.test(name))
        .sort()
        .map((name) => join(PATHWAYS_DIR, country, name)),
    );
}

/** `pathways/<CC>/<n>.scenarios.yaml` files, sorted. */
export function shippedScenarioFiles(): string[] {
  if (!existsSync(PATHWAYS_DIR)) return [];
  return readdirSync(PATHWAYS_DIR)
    .filter((country) => /^([A-Z]{2}|INTL)$/.test(country))
    .sort()
    .flatMap((country) =>
      readdirSync(join(PATHWAYS_DIR, country))
        .filter((name) => /^[1-9][0-9]*\.scenarios\.yaml$/.test(name))
        .sort()
        .map((name) => join(PATHWAYS_DIR, country, name)),
    );
}
