/**
 * Agencies the case is shared with; referring it (the server checks consent, or for a child without
 * it a supervisor's best-interests decision) and revoking a referral (the owning agency).
 */
import { BEST_INTERESTS_GROUNDS, REVOKE_REASONS } from "@passerelle/definitions/codes";
import { type FormEvent, useState } from "react";
import { useIntl } from "react-intl";
import { ProblemNote } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { get, post } from "../lib/api.ts";
import { pick } from "../lib/labels.ts";
import { useUser } from "../lib/session.tsx";
import type { CaseView, PathwayDefinition } from "../lib/types.ts";
import { useAsync } from "../lib/use-async.ts";

interface Grant {
  id: number;
  agencyId: string;
  grantedAt: string;
  basis: string;
  purpose: string | null;
  revokedAt: string | null;
}

export default function Referrals({
  caseView,
  definition,
}: {
  caseView: CaseView;
  definition: PathwayDefinition | undefined;
}) {
  const t = useT();
  const intl = useIntl();
  const user = useUser();
  const owner = user.agencyId === `${caseView.country}:${caseView.agency}`;
  const grants = useAsync(() => get<{ items: Grant[] }>(`/v1/cases/${caseView.id}/referrals`), [caseView.id]);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      const grounds = String(form.get("bestInterests") ?? "");
      await post(`/v1/cases/${caseView.id}/referrals`, {
        agency: String(form.get("agency")),
        purpose: String(form.get("purpose")).trim(),
        ...(grounds && { bestInterests: { grounds } }),
      });
      grants.reload();
    } catch (e) {
      setError(e);
    }
  }

  async function revoke(grant: Grant, reason: string) {
    setError(null);
    try {
      await post(`/v1/cases/${caseView.id}/referrals/${grant.id}/revoke`, { reason });
      grants.reload();
    } catch (e) {
      setError(e);
    }
  }

  const items = grants.data?.items ?? [];
  return (
    <section aria-labelledby="referrals">
      <h2 id="referrals">{t("referral.title")}</h2>
      {items.length === 0 ? (
        <p>{t("referral.none")}</p>
      ) : (
        <ul>
          {items.map((g) => (
            <li key={g.id}>
              {g.agencyId} — {t(`basis.${g.basis}`)} {g.purpose ? `(${g.purpose})` : ""}{" "}
              {g.revokedAt ? t("referral.revoked") : ""}
              {owner && g.revokedAt === null && (
                <RevokeForm grant={g} onRevoke={(reason) => void revoke(g, reason)} />
              )}
            </li>
          ))}
        </ul>
      )}
      <form onSubmit={submit} aria-label={t("referral.refer")}>
        <label htmlFor="referral-agency">{t("referral.agency")}</label>
        <select id="referral-agency" name="agency" required>
          {(definition?.agencies ?? [])
            .filter((a) => a.id !== caseView.agency)
            .map((a) => (
              <option key={a.id} value={a.id}>
                {pick(a.name, intl.locale, definition?.languages)}
              </option>
            ))}
        </select>
        <label htmlFor="referral-purpose">{t("referral.purpose")}</label>
        <input id="referral-purpose" name="purpose" required maxLength={200} />
        {user.role === "supervisor" && (
          <>
            <label htmlFor="referral-best-interests">{t("referral.bestInterests")}</label>
            <select id="referral-best-interests" name="bestInterests" defaultValue="">
              <option value="">{t("referral.bestInterests.none")}</option>
              {BEST_INTERESTS_GROUNDS.map((g) => (
                <option key={g} value={g}>
                  {t(`referral.grounds.${g}`)}
                </option>
              ))}
            </select>
          </>
        )}
        <button type="submit">{t("referral.refer")}</button>
      </form>
      <ProblemNote error={error} />
    </section>
  );
}

function RevokeForm({ grant, onRevoke }: { grant: Grant; onRevoke: (reason: string) => void }) {
  const t = useT();
  const [reason, setReason] = useState<string>(REVOKE_REASONS[0]);
  const id = `revoke-${grant.id}`;
  return (
    <span className="inline-form">
      {" "}
      <label htmlFor={id}>{t("referral.revokeReason")}</label>{" "}
      <select id={id} value={reason} onChange={(e) => setReason(e.target.value)}>
        {REVOKE_REASONS.map((r) => (
          <option key={r} value={r}>
            {t(`referral.reason.${r}`)}
          </option>
        ))}
      </select>{" "}
      <button type="button" className="secondary" onClick={() => onRevoke(reason)}>
        {t("referral.revoke", { agency: grant.agencyId })}
      </button>
    </span>
  );
}
