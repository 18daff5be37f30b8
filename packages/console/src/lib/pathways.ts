/**
 * Pathway definitions, fetched once per session (a published version never changes). Most cases
 * are on their country's latest version, which the country's answer already carries: a version is
 * fetched on its own only when it is not the latest, so a slow network never carries the same
 * definition twice.
 */
import { get } from "./api.ts";
import type { CountryPathways, PathwayDefinition } from "./types.ts";

const versions = new Map<string, Promise<PathwayDefinition>>();
const latest = new Map<string, Promise<PathwayDefinition | null>>();

function remember<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let found = map.get(key);
  if (!found) {
    found = load();
    found.catch(() => map.delete(key));
    map.set(key, found);
  }
  return found;
}

/** The latest published version of a country's pathway (what a new case is pinned to). */
export function latestDefinition(country: string): Promise<PathwayDefinition | null> {
  return remember(latest, country, async () => {
    const answer = await get<CountryPathways & { latest: { definition: PathwayDefinition } | null }>(
      `/v1/pathways/${country}`,
    );
    return answer.latest?.definition ?? null;
  });
}

export function pathwayDefinition(country: string, version: number): Promise<PathwayDefinition> {
  return remember(versions, `${country}@${version}`, async () => {
    const newest = await latestDefinition(country).catch(() => null);
    if (newest?.version === version) return newest;
    const answer = await get<{ definition: PathwayDefinition }>(
      `/v1/pathways/${country}/versions/${version}`,
    );
    return answer.definition;
  });
}
