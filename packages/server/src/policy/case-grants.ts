/**
 * Referral grants: which other agencies may see a case. Written in the same transaction as the
 * referral's (or the revocation's) audit entry.
 */
import type { CaseGrant, GrantRepository, NewGrant } from "../storage/grant-repository.ts";

export type { CaseGrant, NewGrant, RevokeReason } from "../storage/grant-repository.ts";
export { consentRevocation } from "../storage/sqlite/grant-repository.ts";

/** Grant access (a transaction's repository). Granting an agency that already has access is a no-op. */
export async function grantAccess(grants: GrantRepository, input: NewGrant): Promise<CaseGrant> {
  const existing = (await grants.list(input.caseId)).find(
    (g) => g.agencyId === input.agencyId && g.revokedAt === null,
  );
  return existing ?? grants.insert(input);
}
