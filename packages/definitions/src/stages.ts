/**
 * The fixed top-level stages every pathway shares. National reports and cross-border referrals
 * compare like with like only because these ids never change: a pathway may skip a stage or refine
 * it with sub-states, never rename it.
 */
export const STAGE_IDS = [
  "identification",
  "screening",
  "shelter",
  "assistance",
  "return",
  "reintegration",
  "closed",
] as const;
export type StageId = (typeof STAGE_IDS)[number];

/**
 * Why a case was closed. Each is a final sub-state of `closed` (e.g. `closed.reintegrated`), so the
 * outcome is part of the state and needs no separate field.
 */
export const CLOSED_OUTCOMES = [
  "reintegrated",
  "declinedAssistance",
  "referredOut",
  "lostContact",
  "transferred",
  "deceased",
] as const;
export type ClosedOutcome = (typeof CLOSED_OUTCOMES)[number];

/** Roles a task or a responsibility can be assigned to. */
export const ASSIGNEE_ROLES = ["caseworker", "supervisor", "committee"] as const;
export type AssigneeRole = (typeof ASSIGNEE_ROLES)[number];

/** What a consent record can cover (HTCDS consent fields; IOM data protection principles). */
export const CONSENT_SCOPES = [
  "assistance",
  "referral",
  "dataSharing",
  "crossBorderTransfer",
  "return",
  "lawEnforcementContact",
] as const;
export type ConsentScope = (typeof CONSENT_SCOPES)[number];

/**
 * Person attributes a condition may read. These are the non-identifying attributes the server
 * passes to the engine; names, contacts and identity numbers never reach the engine.
 */
export const PERSON_ATTRIBUTES = ["sex", "nationality", "birthDate", "ageUncertain", "ageBand"] as const;
export type PersonAttribute = (typeof PERSON_ATTRIBUTES)[number];
