import { BEST_INTERESTS_GROUNDS, type Pathway } from "@passerelle/definitions";
import { z } from "zod";

export const BestInterestsDecision = z
  .object({
    grounds: z
      .enum(BEST_INTERESTS_GROUNDS)
      .describe("Why this referral is in the child's best interests although consent is not given"),
  })
  .strict()
  .describe(
    "A best-interests decision for this referral, taken by the sender (who must hold the role the pathway names for it). Needed to refer a child, or a person presumed a child, without consent",
  );
export type BestInterestsDecision = z.infer<typeof BestInterestsDecision>;

/** The event with which a pathway records the best-interests assessment. */
export const BEST_INTERESTS_EVENT = "BEST_INTERESTS_ASSESSED";

/**
 * Who may take a best-interests decision for a referral: the roles the pathway gives its
 * best-interests event, when it restricts them; otherwise a supervisor. A caseworker alone never
 * decides to share a child's data against the child's (or guardian's) refusal.
 */
export function bestInterestsDeciders(pathway: Pathway): readonly string[] {
  return pathway.events[BEST_INTERESTS_EVENT]?.roles ?? ["supervisor"];
}
