import type { Principal } from "../auth/roles.ts";
import { CASE_ROLES, POLICIES, type PolicyName } from "./policies.ts";

/** Who may see a case: the owning agency, and every agency it was referred to (grants not revoked). */
export interface CaseAccess {
  ownerAgencyId: string;
  grantedAgencyIds: readonly string[];
}

/** How the caller relates to a case. */
export type CaseRelation = "owner" | "referred" | "none";

export function relationTo(principal: Principal, access: CaseAccess): CaseRelation {
  if (!(CASE_ROLES as readonly string[]).includes(principal.role)) return "none";
  if (access.ownerAgencyId === principal.agencyId) return "owner";
  return access.grantedAgencyIds.includes(principal.agencyId) ? "referred" : "none";
}

/** The outcome of an authorisation check, with the reason recorded in the audit log. */
export type Decision =
  | { allow: true; relation?: CaseRelation }
  | { allow: false; status: 401 | 403 | 404; reason: string };

/**
 * Decide a request. `access` is the protected case (undefined when the policy is not case-scoped, or
 * when the case does not exist). A case the caller cannot see answers 404 whatever the action, so
 * that existence is not revealed; a visible case with a forbidden action answers 403.
 */
export function decide(
  principal: Principal | undefined,
  policyName: PolicyName,
  access?: CaseAccess | null,
): Decision {
  const policy = POLICIES[policyName];
  if (!policy.authenticated) return { allow: true };
  if (!principal) return { allow: false, status: 401, reason: "unauthenticated" };
  const roleAllowed = (policy.roles as readonly string[]).includes(principal.role);
  if (policy.scope === "case" || policy.scope === "task") {
    if (!access) return { allow: false, status: 404, reason: "not-found" };
    const relation = relationTo(principal, access);
    if (relation === "none") return { allow: false, status: 404, reason: "out-of-reach" };
    if (!roleAllowed) return { allow: false, status: 403, reason: `role-not-allowed:${policyName}` };
    if ("ownerOnly" in policy && policy.ownerOnly && relation !== "owner") {
      return { allow: false, status: 403, reason: `owner-only:${policyName}` };
    }
    return { allow: true, relation };
  }
  if (!roleAllowed) return { allow: false, status: 403, reason: `role-not-allowed:${policyName}` };
  return { allow: true };
}
