/** Agencies the case is shared with, and referring it (the server checks consent or best interests). */
import { type FormEvent, useState } from "react";
import { useIntl } from "react-intl";
import { ProblemNote } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { get, post } from "../lib/api.ts";
import { pick } from "../lib/labels.ts";
import type { CaseView, PathwayDefinition } from "../lib/types.ts";
import { useAsync } from "../lib/use-async.ts";

interface Grant {
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
  const grants = useAsync(() => get<{ items: Grant[] }>(`/v1/cases/${caseView.id}/referrals`), [caseView.id]);
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setError(null);
    try {
      await post(`/v1/cases/${caseView.id}/referrals`, {
        agency: String(form.get("agency")),
        purpose: String(form.get("purpose")).trim(),
      });
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
            <li key={`${g.agencyId}${g.grantedAt}`}>
              {g.agencyId} — {t(`basis.${g.basis}`)} {g.purpose ? `(${g.purpose})` : ""}{" "}
              {g.revokedAt ? t("referral.revoked") : ""}
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
        <button type="submit">{t("referral.refer")}</button>
      </form>
      <ProblemNote error={error} />
    </section>
  );
}
