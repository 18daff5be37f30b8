import { z } from "zod";
import type { AuditFields as StoredAuditFields } from "../storage/audit-repository.ts";

export type { AuditEntry } from "../storage/audit-repository.ts";

/**
 * What an audit entry records: who, what, when, from where, why. Ids only — never a name or any
 * personal field — so the log can be read by an auditor without widening who sees personal data.
 */
export const AuditFields = z
  .object({
    at: z.iso.datetime().describe("When (ISO instant)"),
    actorUserId: z.string().nullable().describe("User who acted; null for an anonymous or system action"),
    actorAgencyId: z.string().nullable().describe("The actor's agency"),
    actorRole: z.string().nullable().describe("The actor's role at the time"),
    tokenId: z
      .string()
      .nullable()
      .describe("Id of the token used (token use is recorded with every request)"),
    action: z
      .string()
      .min(1)
      .describe(
        "What was attempted, e.g. case.read, case.event, case.event.refused, case.write.refused, case.refer, auth.login, retention.erase",
      ),
    targetType: z
      .string()
      .nullable()
      .describe("Kind of thing acted on: case, task, user, token, agency, key"),
    targetId: z.string().nullable().describe("Id of the thing acted on (pseudonymous case id, never a name)"),
    outcome: z
      .enum(["allowed", "denied", "failed"])
      .describe("allowed; denied by authentication or policy; failed"),
    reason: z.string().nullable().describe("Why: policy name, refusal reason, or the stated purpose"),
    ip: z.string().nullable().describe("Where from: client address as the server saw it"),
    requestId: z.string().nullable().describe("Request id, to join with operational logs"),
    details: z
      .record(z.string(), z.unknown())
      .nullable()
      .describe("Extra non-personal context (e.g. event type, from/to state, agency referred to)"),
  })
  .strict();
/** What the schema accepts is what storage keeps, and the other way round (else this fails to compile). */
type Same<A extends B, B extends A2, A2 = A> = A & B;
export type AuditFields = Same<z.infer<typeof AuditFields>, StoredAuditFields>;

/** The previous hash of the first entry. */
export const GENESIS_HASH = "0".repeat(64);
