/**
 * Public API of the engine. Every function is pure: time, person attributes and consents are passed
 * in, and side effects come back as `Effect`s for the caller to carry out.
 *
 * Signatures are the contract with the server; bodies live in the modules named beside each.
 */
export type * from "./types.ts";
