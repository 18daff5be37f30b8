/**
 * Which agencies a country has: those its pathways name. An agency registered under another code
 * could never be given a case, a task or a referral (the pathway assigns work by these codes), and a
 * country without a pathway has no cases at all; the admin API and the CLI refuse both and list
 * what is valid.
 */
import { PATHWAYS_DIR, type Pathway, shippedPathways } from "@passerelle/definitions";
import type { StoreLifecycle } from "../storage/case-store.ts";

/** Pathway files read per folder list: they do not change while the process runs. */
const filesRead = new Map<string, Pathway[]>();

function pathwayFiles(dirs: string[]): Pathway[] {
  const key = dirs.join("\n");
  let pathways = filesRead.get(key);
  if (!pathways) {
    pathways = dirs.flatMap((dir) => shippedPathways(dir));
    filesRead.set(key, pathways);
  }
  return pathways;
}

/** Agency codes per country: every version shipped, loaded from extra folders, or stored. */
export async function pathwayAgencyCodes(
  store: Pick<StoreLifecycle, "listPathwayVersions">,
  env = process.env,
): Promise<Map<string, Set<string>>> {
  const extra = env.PASSERELLE_EXTRA_PATHWAYS?.split(":").filter(Boolean) ?? [];
  const stored = (await store.listPathwayVersions()).map((v) => v.definition as Pathway);
  const byCountry = new Map<string, Set<string>>();
  for (const pathway of [...pathwayFiles([PATHWAYS_DIR, ...extra]), ...stored]) {
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
