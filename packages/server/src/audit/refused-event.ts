/**
 * Events the store refuses, in the audit log (issue 5). A refused event rolls back with the audit
 * entry it carried, yet the refusal tells its sender something of the case (its revision, state or
 * consents): the attempt is recorded on its own, durably, before the refusal is answered.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import { auditDraft } from "../auth/request-audit.ts";
import { ApiProblem } from "../errors/problem.ts";
import type { AuditDraft } from "./audit-log.ts";

/** What was sent: the event's type (as the client named it) and the revision it expected. */
export interface SentEvent {
  type: string;
  expectedRevision: number;
}

/**
 * Runs `apply`; when the store refuses the event (an `ApiProblem`) and the request has a principal
 * (protections on), appends the refusal's entry, then rethrows.
 */
export async function recordingRefusal<T>(
  app: FastifyInstance,
  request: FastifyRequest,
  caseId: string,
  sent: SentEvent,
  apply: () => Promise<T>,
): Promise<T> {
  try {
    return await apply();
  } catch (error) {
    if (request.principal && error instanceof ApiProblem) {
      await app.audit(refusedEventDraft(request, caseId, sent, error, app.pathways.knowsEvent(sent.type)));
      // The auth plugin records other refused writes; this one is recorded, with its event.
      request.refusalRecorded = true;
    }
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
function refusedEventDraft(
  request: FastifyRequest,
  caseId: string,
  sent: SentEvent,
  problem: ApiProblem,
  known: boolean,
): AuditDraft {
  return auditDraft(request, {
    action: "case.event.refused",
    outcome: problem.status === 403 ? "denied" : "failed",
    reason: problem.code,
    targetType: "case",
    targetId: caseId,
    details: {
      ...(known && { event: sent.type }),
      expectedRevision: sent.expectedRevision,
    },
  });
}
