/** How a presumed victim came to be identified: coded, so that national reports can compare them. */
export const IDENTIFICATION_METHODS = [
  "selfReferral",
  "outreach",
  "lawEnforcement",
  "borderControl",
  "labourInspection",
  "hotline",
  "healthService",
  "ngoReferral",
  "other",
] as const;
export type IdentificationMethod = (typeof IDENTIFICATION_METHODS)[number];
