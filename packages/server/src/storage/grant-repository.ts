/** Referral grants: which other agencies may see a case (the rules are in `policy/case-grants.ts`). */
import type { BestInterestsGrounds, ConsentScope, RevokeReason } from "@passerelle/definitions";

export type { BestInterestsGrounds, RevokeReason } from "@passerelle/definitions";

export interface CaseGrant {
  id: number;
  caseId: string;
  agencyId: string;
  grantedAt: string;
  grantedBy: string;
  basis: "consent" | "bestInterests";
  purpose: string | null;
  /** The consent scopes it rests on (none for a best-interests grant). */
  scopes: ConsentScope[];
  /** A best-interests grant: who decided, on which grounds. */
  decidedBy: string | null;
  decisionGrounds: BestInterestsGrounds | null;
  revokedAt: string | null;
  /** A user id, or `consent` when the person's withdrawal ended it. */
  revokedBy: string | null;
  revokeReason: RevokeReason | null;
}

export type NewGrant = Pick<
  CaseGrant,
  | "caseId"
  | "agencyId"
  | "grantedAt"
  | "grantedBy"
  | "basis"
  | "purpose"
  | "scopes"
  | "decidedBy"
  | "decisionGrounds"
>;

/** Which consent-based grants a withdrawal ends: all of them, or those to agencies abroad. */
export type WithdrawnSharing = "all" | "abroad";

export interface GrantRepository {
  /** The case's grants, live and revoked, oldest first. */
  list(caseId: string): Promise<CaseGrant[]>;
  /** One grant of the case; undefined when it is not this case's. */
  get(caseId: string, grantId: number): Promise<CaseGrant | undefined>;
  insert(grant: NewGrant): Promise<CaseGrant>;
  /** Ends one live grant; undefined when it was not live. */
  revoke(
    caseId: string,
    grantId: number,
    by: { at: string; userId: string; reason: RevokeReason },
  ): Promise<CaseGrant | undefined>;
  /**
   * Ends the consent-based grants of a case when the person withdraws consent (`abroad`: only those
   * to agencies outside the case's country). Returns how many ended.
   */
  revokeConsentBased(caseId: string, at: string, which: WithdrawnSharing): Promise<number>;
}
