/**
 * Pathway definitions, fetched once per page load (a published version never changes). A published
 * version is sent cacheable (`private, immutable`, see the server's pathway routes), so on a later
 * page load it comes from the browser's cache and not over the network; the country's own answer
 * is not (its latest version moves on), so the latest version is found in the small index of
 * versions, and its definition through the same cacheable request.
 */
import { get, getCacheable } from "./api.ts";
import type { CountryPathways, PathwayDefinition } from "./types.ts";

const versions = new Map<string, Promise<PathwayDefinition>>();
let index: Promise<CountryPathways[]> | undefined;

function remember<T>(map: Map<string, Promise<T>>, key: string, load: () => Promise<T>): Promise<T> {
  let found = map.get(key);
  if (!found) {
    found = load();
    found.catch(() => map.delete(key));
    map.set(key, found);
  }
  return found;
}

/** Every country's versions, without definitions (a few hundred bytes compressed). */
function pathwayIndex(): Promise<CountryPathways[]> {
  if (!index) {
    index = get<{ countries: CountryPathways[] }>("/v1/pathways").then((answer) => answer.countries);
    index.catch(() => {
      index = undefined;
    });
  }
  return index;
}

/** The latest published version of a country's pathway (what a new case is pinned to). */
export async function latestDefinition(country: string): Promise<PathwayDefinition | null> {
  const found = (await pathwayIndex()).find((c) => c.country === country);
  return found?.latestPublished ? pathwayDefinition(country, found.latestPublished) : null;
}

export function pathwayDefinition(country: string, version: number): Promise<PathwayDefinition> {
  return remember(versions, `${country}@${version}`, async () => {
    const answer = await getCacheable<{ definition: PathwayDefinition }>(
      `/v1/pathways/${encodeURIComponent(country)}/versions/${version}`,
    );
    return answer.definition;
  });
}
