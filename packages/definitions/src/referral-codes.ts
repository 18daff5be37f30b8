/**
 * Coded grounds of a best-interests decision to refer a child without consent. Codes, not free
 * text: the decision is kept with the grant and shown in referral lists, where a sentence about
 * the child would be personal data.
 */
export const BEST_INTERESTS_GROUNDS = [
  "immediateProtection",
  "medicalCare",
  "alternativeCare",
  "familyTracing",
  "childProtectionAuthority",
  "safeReturn",
] as const;
export type BestInterestsGrounds = (typeof BEST_INTERESTS_GROUNDS)[number];

/** Why a referral was revoked; `consentWithdrawn` is also what a withdrawal records by itself. */
export const REVOKE_REASONS = [
  "consentWithdrawn",
  "personRequest",
  "serviceCompleted",
  "referredInError",
  "safetyConcern",
  "agencyNoLongerInvolved",
] as const;
export type RevokeReason = (typeof REVOKE_REASONS)[number];
