/** Why a person read is made: coded, so that no free text travels in the URL, the logs or the audit log. */
export const PERSON_READ_PURPOSES = [
  "caseWork",
  "referral",
  "followUp",
  "safetyCheck",
  "legalProceedings",
  "supervision",
  "dataSubjectRequest",
] as const;
export type PersonReadPurpose = (typeof PERSON_READ_PURPOSES)[number];
