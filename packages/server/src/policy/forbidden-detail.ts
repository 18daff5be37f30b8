/**
 * The detail of a 403: what the route protects, why this role is refused, and what to do instead.
 * The case routes refuse every role but caseworkers and supervisors (case data is need-to-know), and
 * the first token a newcomer holds is an admin's: the answer says how to get a caseworker's token
 * rather than only "Not allowed".
 */

import type { Principal } from "../auth/roles.ts";
import { CASE_ROLES, POLICIES, type PolicyName } from "./policies.ts";

const CLI = "npx --yes pnpm@10 passerelle";

export function forbiddenDetail(policyName: PolicyName | undefined, principal: Principal | null): string {
  if (policyName === undefined) return "Not allowed";
  const policy = POLICIES[policyName];
  const allowed = policy.roles.join(", ");
  const role = principal ? `${/^[aeiou]/.test(principal.role) ? "an" : "a"} ${principal.role}` : "this";
  if (!policy.roles.every((r) => (CASE_ROLES as readonly string[]).includes(r)))
    return `${policy.description}: allowed to ${allowed}, not to ${role} token.`;
  const agency = principal?.agencyId ?? "<COUNTRY>:<agency>";
  return (
    `Case data is need-to-know: only caseworkers and supervisors of the agency that owns a case, or of ` +
    `an agency it was referred to, see it; ${role} token sees no case. To work on cases, use a ` +
    `caseworker's token, for example in your agency: \`${CLI} users add --agency ${agency} --login <login> ` +
    `--role caseworker\`, then \`${CLI} tokens create --login <login>\` (docs/operations.md#authentication).`
  );
}
