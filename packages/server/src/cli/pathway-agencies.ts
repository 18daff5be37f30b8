/**
 * Which agencies a country has: those its pathways name. An agency registered under another code
 * could never be given a case, a task or a referral (the pathway assigns work by these codes), and a
 * country without a pathway has no cases at all; the CLI refuses both and lists what is valid.
 */
import { PATHWAYS_DIR, type Pathway, shippedPathways } from "@passerelle/definitions";
import type Database from "better-sqlite3";

/** Agency codes per country: every version shipped, loaded from extra folders, or stored. */
export function pathwayAgencies(sqlite: Database.Database, env = process.env): Map<string, Set<string>> {
  const extra = env.PASSERELLE_EXTRA_PATHWAYS?.split(":").filter(Boolean) ?? [];
  const pathways: Pathway[] = [PATHWAYS_DIR, ...extra].flatMap((dir) => shippedPathways(dir));
  const stored = sqlite.prepare("SELECT definition FROM pathway_versions").pluck().all() as string[];
  for (const definition of stored) pathways.push(JSON.parse(definition) as Pathway);
  const byCountry = new Map<string, Set<string>>();
  for (const pathway of pathways) {
    const codes = byCountry.get(pathway.country) ?? new Set<string>();
    for (const agency of pathway.agencies) codes.add(agency.id);
    byCountry.set(pathway.country, codes);
  }
  return byCountry;
}

/** Why `country`/`code` is not an agency of a pathway, listing the valid ones; undefined when it is. */
export function unknownAgencyMessage(
  agencies: Map<string, Set<string>>,
  country: string,
  code: string,
): string | undefined {
  const codes = agencies.get(country);
  if (!codes)
    return `no pathway for country '${country}'; countries with a pathway: ${[...agencies.keys()].sort().join(", ")}`;
  if (!codes.has(code))
    return `'${code}' is not an agency of ${country}'s pathway; its agencies: ${[...codes].sort().join(", ")}`;
  return undefined;
}
