import type { Principal } from "../auth/roles.ts";
import type { VisibleTo } from "../storage/case-store.ts";

/** The agency's pathway id and country out of its key `<country>:<code>`. */
export function agencyParts(agencyKey: string): { country: string; code: string } {
  const at = agencyKey.indexOf(":");
  return { country: agencyKey.slice(0, at), code: agencyKey.slice(at + 1) };
}

/** The need-to-know filter for lists; undefined when protections are off (no principal). */
export function visibleTo(principal: Principal | null): VisibleTo | undefined {
  if (!principal) return undefined;
  const { country, code } = agencyParts(principal.agencyId);
  return { country, agency: code, agencyKey: principal.agencyId };
}
