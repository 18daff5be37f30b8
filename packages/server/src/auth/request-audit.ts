import type { FastifyRequest } from "fastify";
import type { AuditDraft } from "../storage/audit-repository.ts";
import { routeConfig } from "./route-config.ts";

/** What an audit entry for this request says about who and from where. */
export function auditDraft(
  request: FastifyRequest,
  what: Pick<AuditDraft, "action" | "outcome"> &
    Partial<Pick<AuditDraft, "targetType" | "targetId" | "reason" | "details">>,
): AuditDraft {
  const p = request.principal;
  return {
    actorUserId: p?.userId ?? null,
    actorAgencyId: p?.agencyId ?? null,
    actorRole: p?.role ?? null,
    tokenId: p?.tokenId ?? null,
    ip: request.ip,
    requestId: request.id,
    targetType: null,
    targetId: null,
    reason: routeConfig(request).policy ?? null,
    details: null,
    ...what,
  };
}
