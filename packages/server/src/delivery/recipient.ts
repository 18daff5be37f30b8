/**
 * Who a reminder, escalation or notice goes to. A pathway may give work to an agency that cannot
 * see the case yet (it was never referred there, or the referral was revoked with the consent it
 * rested on): a message there would ask for work nobody can do, and access is never opened without
 * consent. So it goes to the same role at the agency that owns the case, naming the agency that is
 * waiting (`awaitingAccess`): the owner refers the case — on the person's consent — or reassigns it.
 */
import type { Repositories } from "../storage/storage.ts";
import type { NotificationMessage } from "./channels/channel.ts";

export async function recipientOf(
  tx: Repositories,
  caseId: string,
  notify: { role: string; agency?: string | null | undefined },
): Promise<NotificationMessage["recipient"]> {
  if (!notify.agency) return { role: notify.role, agency: null };
  const sees = await tx.delivery.agencySees(caseId, notify.agency);
  if (sees === undefined || sees) return { role: notify.role, agency: notify.agency };
  return { role: notify.role, agency: null, awaitingAccess: notify.agency };
}
