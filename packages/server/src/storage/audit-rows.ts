/**
 * An audit row as either store reads it (snake_case columns), as the domain's entry. The sequence
 * number is a JavaScript number on both: PostgreSQL's bigint arrives as text.
 */
import type { AuditEntry } from "./audit-repository.ts";

type Row = Record<string, unknown>;

export function auditEntryOf(r: Row): AuditEntry {
  return {
    seq: Number(r.seq),
    at: r.at as string,
    actorUserId: (r.actor_user_id as string | null) ?? null,
    actorAgencyId: (r.actor_agency_id as string | null) ?? null,
    actorRole: (r.actor_role as string | null) ?? null,
    tokenId: (r.token_id as string | null) ?? null,
    action: r.action as string,
    targetType: (r.target_type as string | null) ?? null,
    targetId: (r.target_id as string | null) ?? null,
    outcome: r.outcome as AuditEntry["outcome"],
    reason: (r.reason as string | null) ?? null,
    ip: (r.ip as string | null) ?? null,
    requestId: (r.request_id as string | null) ?? null,
    details: r.details === null || r.details === undefined ? null : JSON.parse(r.details as string),
    prevHash: r.prev_hash as string,
    hash: r.hash as string,
  };
}
