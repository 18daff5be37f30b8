import { CONSENT_SCOPES } from "@passerelle/definitions";
import { z } from "zod";

/** The built-in event that records consent (the consents route sends it too). */
export const CONSENT_EVENT = "RECORD_CONSENT";

/**
 * A consent given or withdrawn, as a client records it through `POST /v1/cases/:id/consents` (or the
 * built-in RECORD_CONSENT event). Who recorded it comes from the token, not the body.
 */
export const ConsentInput = z
  .object({
    scope: z.enum(CONSENT_SCOPES).describe("What the consent covers"),
    given: z.boolean().describe("true: given; false: withdrawn (stops further sharing from now on)"),
    method: z.enum(["written", "oral", "guardian"]).describe("How it was obtained"),
    interpreterUsed: z.boolean().optional().describe("Whether an interpreter was present"),
    purpose: z
      .string()
      .max(200)
      .optional()
      .describe("The specified purpose told to the person (IOM principle 2)"),
    guardian: z
      .object({
        name: z.string().min(1).max(200).describe("Guardian's name (personal: sealed at rest)"),
        relationship: z
          .enum(["parent", "legalGuardian", "appointedGuardian", "other"])
          .describe("How the guardian relates to the child"),
      })
      .strict()
      .optional()
      .describe("For a minor: the guardian who gave or withdrew consent on the child's behalf"),
  })
  .strict()
  .superRefine((c, ctx) => {
    // Giving consent through a guardian names the guardian; a withdrawal is never held up for it.
    if (c.given && c.method === "guardian" && !c.guardian) {
      ctx.addIssue({
        code: "custom",
        path: ["guardian"],
        message: "consent obtained through a guardian names the guardian",
      });
    }
  })
  .describe("Consent to record for a case");
export type ConsentInput = z.infer<typeof ConsentInput>;
