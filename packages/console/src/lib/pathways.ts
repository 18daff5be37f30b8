/** Pathway definitions, fetched once per version and kept for the session (they never change). */
import { get } from "./api.ts";
import type { CountryPathways, PathwayDefinition } from "./types.ts";

const cache = new Map<string, Promise<PathwayDefinition>>();

export function pathwayDefinition(country: string, version: number): Promise<PathwayDefinition> {
  const key = `${country}@${version}`;
  let found = cache.get(key);
  if (!found) {
    found = get<{ definition: PathwayDefinition }>(`/v1/pathways/${country}/versions/${version}`).then(
      (answer) => answer.definition,
    );
    found.catch(() => cache.delete(key));
    cache.set(key, found);
  }
  return found;
}

const latest = new Map<string, Promise<PathwayDefinition | null>>();

/** The latest published version of a country's pathway (what a new case is pinned to). */
export function latestDefinition(country: string): Promise<PathwayDefinition | null> {
  let found = latest.get(country);
  if (!found) {
    found = get<CountryPathways>(`/v1/pathways/${country}`).then((answer) =>
      answer.latestPublished === null ? null : pathwayDefinition(country, answer.latestPublished),
    );
    found.catch(() => latest.delete(country));
    latest.set(country, found);
  }
  return found;
}
