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

/** The scopes a referral within the country rests on; one abroad also needs `crossBorderTransfer`. */
export const SHARING_SCOPES = ["referral", "dataSharing"] as const satisfies readonly ConsentScope[];

/** On what ground a case may be shared with another agency, or why not. */
export type SharingDecision =
  | { ok: true; basis: "consent"; scopes: ConsentScope[] }
  | { ok: true; basis: "bestInterests"; scopes: [] }
  | {
      ok: false;
      reason: "consentWithdrawn" | "consentMissing" | "bestInterestsDecisionRequired";
      scopes: ConsentScope[];
    };

/**
 * Whether a case may be referred to (shared with) another agency now.
 *
 * Anyone, child or adult: the latest `referral` or `dataSharing` record must be a consent, and
 * neither may be withdrawn — withdrawal stops further sharing from that moment. Sharing with an
 * agency in another country also needs `crossBorderTransfer`.
 *
 * A child (or a person whose age is uncertain: the child presumption) without that consent may
 * still be referred, but only on a best-interests decision recorded for this referral by the
 * person the pathway names for it (`bestInterestsDecided`). The presumption gives a child's
 * safeguards; it never replaces a decision that somebody must take and answer for.
 */
export function mayShare(
  records: readonly ConsentRecord[],
  {
    minor,
    crossBorder,
    bestInterestsDecided = false,
  }: { minor: boolean; crossBorder: boolean; bestInterestsDecided?: boolean },
): SharingDecision {
  const consent = byConsent(records, crossBorder);
  if (consent.ok || !minor) return consent;
  if (bestInterestsDecided) return { ok: true, basis: "bestInterests", scopes: [] };
  return { ok: false, reason: "bestInterestsDecisionRequired", scopes: consent.scopes };
}

function byConsent(records: readonly ConsentRecord[], crossBorder: boolean): SharingDecision {
  const latest = SHARING_SCOPES.map((scope) => latestConsent(records, scope));
  const withdrawn = SHARING_SCOPES.filter((_, i) => latest[i]?.given === false);
  if (withdrawn.length > 0) return { ok: false, reason: "consentWithdrawn", scopes: withdrawn };
  if (!latest.some((r) => r?.given))
    return { ok: false, reason: "consentMissing", scopes: [...SHARING_SCOPES] };
  const scopes: ConsentScope[] = SHARING_SCOPES.filter((_, i) => latest[i]?.given);
  if (crossBorder) {
    const transfer = latestConsent(records, "crossBorderTransfer");
    if (transfer?.given === false)
      return { ok: false, reason: "consentWithdrawn", scopes: ["crossBorderTransfer"] };
    if (!transfer) return { ok: false, reason: "consentMissing", scopes: ["crossBorderTransfer"] };
    scopes.push("crossBorderTransfer");
  }
  return { ok: true, basis: "consent", scopes };
}

/**
 * Which consent-based grants a withdrawal ends: withdrawing `referral` or `dataSharing` stops all
 * sharing on consent (either withdrawn refuses every new referral too); withdrawing
 * `crossBorderTransfer` ends the grants to agencies abroad.
 */
export function grantsEndedBy(scope: ConsentScope): "allConsent" | "crossBorder" | "none" {
  if ((SHARING_SCOPES as readonly string[]).includes(scope)) return "allConsent";
  return scope === "crossBorderTransfer" ? "crossBorder" : "none";
}
