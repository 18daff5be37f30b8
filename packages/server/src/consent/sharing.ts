import type { ConsentScope } from "@passerelle/definitions";
import type { ConsentRecord } from "@passerelle/engine";

/** The record that decides a scope: the latest; on equal instants, the later in the list. */
export function latestConsent(
  records: readonly ConsentRecord[],
  scope: ConsentScope,
): ConsentRecord | undefined {
  let latest: ConsentRecord | undefined;
  for (const r of records) {
    if (r.scope !== scope) continue;
    if (!latest || Date.parse(r.at) >= Date.parse(latest.at)) latest = r;
  }
  return latest;
}

/** On what ground a case may be shared with another agency, or why not. */
export type SharingDecision =
  | { ok: true; basis: "consent" | "bestInterests"; scopes: ConsentScope[] }
  | { ok: false; reason: "consentWithdrawn" | "consentMissing"; scopes: ConsentScope[] };

/**
 * Whether a case may be referred to (shared with) another agency now.
 *
 * Adult: the latest `referral` or `dataSharing` record must be a consent, and neither may be
 * withdrawn — withdrawal stops further sharing from that moment. Sharing with an agency in another
 * country also needs `crossBorderTransfer`.
 *
 * Child (or age uncertain: child presumption): a child's referral does not wait on consent; it rests
 * on the child's best interests, and the basis is recorded as such.
 */
export function mayShare(
  records: readonly ConsentRecord[],
  { minor, crossBorder }: { minor: boolean; crossBorder: boolean },
): SharingDecision {
  if (minor) return { ok: true, basis: "bestInterests", scopes: [] };
  const sharingScopes: ConsentScope[] = ["referral", "dataSharing"];
  const latest = sharingScopes.map((scope) => latestConsent(records, scope));
  const withdrawn = sharingScopes.filter((_, i) => latest[i]?.given === false);
  if (withdrawn.length > 0) return { ok: false, reason: "consentWithdrawn", scopes: withdrawn };
  if (!latest.some((r) => r?.given)) return { ok: false, reason: "consentMissing", scopes: sharingScopes };
  const scopes = sharingScopes.filter((_, i) => latest[i]?.given);
  if (crossBorder) {
    const transfer = latestConsent(records, "crossBorderTransfer");
    if (transfer?.given === false)
      return { ok: false, reason: "consentWithdrawn", scopes: ["crossBorderTransfer"] };
    if (!transfer) return { ok: false, reason: "consentMissing", scopes: ["crossBorderTransfer"] };
    scopes.push("crossBorderTransfer");
  }
  return { ok: true, basis: "consent", scopes };
}
