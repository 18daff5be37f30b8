/**
 * Who a reminder, escalation or notice goes to. A pathway may give work to an agency that cannot
 * see the case yet (it was never referred there, or the referral was revoked with the consent it
 * rested on): a message there would ask for work nobody can do, and access is never opened without
 * consent. So it goes to the same role at the agency that owns the case, naming the agency that is
 * waiting (`awaitingAccess`): the owner refers the case — on the person's consent — or reassigns it.
 */
import type Database from "better-sqlite3";
import type { NotificationMessage } from "./channels/channel.ts";

/** Whether an agency (pathway code) owns the case or holds a live grant on it. */
export function prepareAgencySees(sqlite: Database.Database): Database.Statement {
  return sqlite.prepare(
    `SELECT (c.agency = @agency OR EXISTS (SELECT 1 FROM case_grants g WHERE g.case_id = c.id AND g.agency_id = c.country || ':' || @agency AND g.revoked_at IS NULL)) AS sees
     FROM cases c WHERE c.id = @case_id`,
  );
}

export function recipientOf(
  agencySees: Database.Statement,
  caseId: string,
  notify: { role: string; agency?: string | null | undefined },
): NotificationMessage["recipient"] {
  if (!notify.agency) return { role: notify.role, agency: null };
  const seen = agencySees.get({ case_id: caseId, agency: notify.agency }) as { sees: number } | undefined;
  if (!seen || seen.sees === 1) return { role: notify.role, agency: notify.agency };
  return { role: notify.role, agency: null, awaitingAccess: notify.agency };
}
