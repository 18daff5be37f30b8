/**
 * The coded values the API accepts, for clients in a browser (`@passerelle/definitions/codes`):
 * only constant lists, importing no Node module and no library, so that a bundle that takes them
 * takes nothing else. The server builds its zod schemas from the same lists.
 */
export * from "./identification-methods.ts";
export * from "./person-read-purposes.ts";
export * from "./referral-codes.ts";
export { CONSENT_SCOPES, type ConsentScope, STAGE_IDS, type StageId } from "./stages.ts";
