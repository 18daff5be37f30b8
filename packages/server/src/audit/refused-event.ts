/**
 * Events the store refuses, in the audit log. A refused event rolls back with the audit
 * entry it carried, yet the refusal tells its sender something of the case (its revision, state or
 * consents). Like every write refused after its policy allowed it, the attempt is recorded by the
 * auth plugin, durably, before the refusal is answered; a route that sends an event to the store
 * names it here, so that the entry says which event was refused.
 */
import type { FastifyRequest } from "fastify";
import { auditDraft } from "../auth/request-audit.ts";
import type { AuditDraft } from "../storage/audit-repository.ts";

/** What was sent: the event's type (as the client named it) and the revision it expected. */
export interface SentEvent {
  type: string;
  expectedRevision: number;
}

/**
 * Runs `apply`; when it fails (the store refused the event), marks the request with the event sent
 * for the auth plugin's entry of the refusal, then rethrows.
 */
export async function namingRefusedEvent<T>(
  request: FastifyRequest,
  sent: SentEvent,
  apply: () => Promise<T>,
): Promise<T> {
  try {
    return await apply();
  } catch (error) {
    request.refusedEvent = { type: sent.type, expectedRevision: sent.expectedRevision };
    throw error;
  }
}

/**
 * The entry: `denied` when the sender's role may not send the event (403), `failed` otherwise
 * (stale revision, guard such as a missing consent, invalid data, closed case), with the error
 * code as the reason. The event type is recorded only when a loaded pathway defines it (`known`):
 * another one is whatever the client typed — refused as unknown, or already as a stale revision.
 * Its own action, not `case.event`: accepted events are found through their history rows, a
 * refused one has none (it stays in the per-target index).
 */
export function refusedEventDraft(
  request: FastifyRequest,
  caseId: string | null,
  sent: SentEvent,
  status: number,
  known: boolean,
): AuditDraft {
  return auditDraft(request, {
    action: "case.event.refused",
    outcome: status === 403 ? "denied" : "failed",
    reason: request.problemCode,
    targetType: "case",
    targetId: caseId,
    details: {
      ...(known && { event: sent.type }),
      expectedRevision: sent.expectedRevision,
    },
  });
}
