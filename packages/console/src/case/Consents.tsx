/** Consent records of the case (the latest per scope decides), and recording or withdrawing one. */
import { CONSENT_SCOPES } from "@passerelle/definitions/codes";
import { type FormEvent, useState } from "react";
import { ProblemNote } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { ApiError, get, post } from "../lib/api.ts";
import type { CaseView } from "../lib/types.ts";
import { useAsync } from "../lib/use-async.ts";

interface Consent {
  scope: string;
  given: boolean;
  method: string;
  at: string;
  actor: string;
  purpose?: string;
  guardian?: { name: string; relationship: string };
}

type ConsentBody = Omit<Consent, "at" | "actor">;

const RELATIONSHIPS = ["parent", "legalGuardian", "appointedGuardian", "other"];

export default function Consents({
  caseView,
  onChange,
  onConflict,
}: {
  caseView: CaseView;
  onChange(view: CaseView): void;
  onConflict(): void;
}) {
  const t = useT();
  const consents = useAsync(
    () => get<{ items: Consent[] }>(`/v1/cases/${caseView.id}/consents`),
    [caseView.id, caseView.revision],
  );
  const [error, setError] = useState<unknown>(null);
  const [adding, setAdding] = useState(false);
  const [method, setMethod] = useState("written");

  async function record(body: ConsentBody) {
    setError(null);
    try {
      onChange(
        await post<CaseView>(`/v1/cases/${caseView.id}/consents`, {
          ...body,
          expectedRevision: caseView.revision,
        }),
      );
      setAdding(false);
    } catch (e) {
      if (e instanceof ApiError && e.problem.status === 409) onConflict();
      else setError(e);
    }
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const purpose = String(form.get("purpose") ?? "").trim();
    void record({
      scope: String(form.get("scope")),
      given: form.get("given") === "true",
      method,
      ...(purpose && { purpose }),
      // A child's consent through a guardian names the guardian (sealed at rest like all personal data).
      ...(method === "guardian" && {
        guardian: {
          name: String(form.get("guardianName")).trim(),
          relationship: String(form.get("relationship")),
        },
      }),
    });
  }

  const latest = new Map<string, Consent>();
  for (const c of consents.data?.items ?? []) latest.set(c.scope, c);
  return (
    <section aria-labelledby="consents">
      <h2 id="consents">{t("consent.title")}</h2>
      {latest.size === 0 ? (
        <p>{t("consent.none")}</p>
      ) : (
        <ul>
          {[...latest.values()].map((c) => (
            <li key={c.scope}>
              {t(`scope.${c.scope}`)}: {c.given ? t("consent.given") : t("consent.withdrawn")} (
              {t(`consentMethod.${c.method}`)}, {new Date(c.at).toLocaleDateString()}){" "}
              {c.given && (
                <button
                  type="button"
                  className="secondary"
                  onClick={() =>
                    void record({
                      scope: c.scope,
                      given: false,
                      // A withdrawal needs nothing more: it must never be harder than giving consent.
                      method: c.method,
                    })
                  }
                >
                  {t("consent.withdraw", { scope: t(`scope.${c.scope}`) })}
                </button>
              )}
            </li>
          ))}
        </ul>
      )}
      {!adding ? (
        <button type="button" onClick={() => setAdding(true)}>
          {t("consent.record")}
        </button>
      ) : (
        <form onSubmit={submit} aria-label={t("consent.record")}>
          <label htmlFor="consent-scope">{t("consent.scope")}</label>
          <select id="consent-scope" name="scope">
            {CONSENT_SCOPES.map((s) => (
              <option key={s} value={s}>
                {t(`scope.${s}`)}
              </option>
            ))}
          </select>
          <label htmlFor="consent-given">{t("consent.decision")}</label>
          <select id="consent-given" name="given">
            <option value="true">{t("consent.given")}</option>
            <option value="false">{t("consent.withdrawn")}</option>
          </select>
          <label htmlFor="consent-method">{t("consent.method")}</label>
          <select
            id="consent-method"
            name="method"
            value={method}
            onChange={(e) => setMethod(e.target.value)}
          >
            <option value="written">{t("consentMethod.written")}</option>
            <option value="oral">{t("consentMethod.oral")}</option>
            <option value="guardian">{t("consentMethod.guardian")}</option>
          </select>
          {method === "guardian" && (
            <>
              <label htmlFor="consent-guardian">{t("consent.guardianName")}</label>
              <input id="consent-guardian" name="guardianName" required maxLength={200} autoComplete="off" />
              <label htmlFor="consent-relationship">{t("consent.relationship")}</label>
              <select id="consent-relationship" name="relationship">
                {RELATIONSHIPS.map((r) => (
                  <option key={r} value={r}>
                    {t(`relationship.${r}`)}
                  </option>
                ))}
              </select>
            </>
          )}
          <label htmlFor="consent-purpose">{t("consent.purpose")}</label>
          <input id="consent-purpose" name="purpose" maxLength={200} />
          <button type="submit">{t("common.confirm")}</button>{" "}
          <button type="button" className="secondary" onClick={() => setAdding(false)}>
            {t("common.cancel")}
          </button>
        </form>
      )}
      <ProblemNote error={error} />
    </section>
  );
}
