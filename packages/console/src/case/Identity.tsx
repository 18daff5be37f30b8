/**
 * The person behind the case, only after a deliberate step: the user states why, the read goes to
 * the audit log (`GET /v1/cases/{id}/person?purpose=`), and the identity is dropped from memory
 * when the page is left or the tab is hidden (a shared laptop left open shows no name).
 */
import { PERSON_READ_PURPOSES } from "@passerelle/definitions/codes";
import { type FormEvent, useEffect, useState } from "react";
import { ProblemNote } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { get, query } from "../lib/api.ts";

interface PersonAnswer {
  person: Record<string, unknown>;
  identification: Record<string, unknown>;
}

export default function Identity({ caseId }: { caseId: string }) {
  const t = useT();
  const [asking, setAsking] = useState(false);
  const [person, setPerson] = useState<PersonAnswer | null>(null);
  const [error, setError] = useState<unknown>(null);

  useEffect(() => {
    const hide = () => {
      if (document.visibilityState === "hidden") setPerson(null);
    };
    document.addEventListener("visibilitychange", hide);
    return () => {
      document.removeEventListener("visibilitychange", hide);
      setPerson(null);
    };
  }, []);
  // A different case: nothing of the previous one stays on screen.
  // biome-ignore lint/correctness/useExhaustiveDependencies: reset when the case changes
  useEffect(() => {
    setPerson(null);
    setAsking(false);
  }, [caseId]);

  async function show(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const purpose = String(new FormData(event.currentTarget).get("purpose") ?? "caseWork");
    setError(null);
    try {
      setPerson(
        await get<PersonAnswer>(`/v1/cases/${encodeURIComponent(caseId)}/person${query({ purpose })}`),
      );
      setAsking(false);
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section aria-labelledby="identity">
      <h2 id="identity">{t("identity.title")}</h2>
      {!person && !asking && (
        <button type="button" onClick={() => setAsking(true)}>
          {t("identity.show")}
        </button>
      )}
      {asking && (
        <form onSubmit={show} className="identity-ask">
          <p className="notice">{t("identity.warning")}</p>
          <label htmlFor="purpose">{t("identity.purpose")}</label>
          <select id="purpose" name="purpose" defaultValue="caseWork">
            {PERSON_READ_PURPOSES.map((p) => (
              <option key={p} value={p}>
                {t(`purpose.${p}`)}
              </option>
            ))}
          </select>
          <button type="submit">{t("identity.confirm")}</button>{" "}
          <button type="button" className="secondary" onClick={() => setAsking(false)}>
            {t("common.cancel")}
          </button>
        </form>
      )}
      {person && (
        <div data-testid="identity">
          <dl className="facts">
            {Object.entries(person.person).map(([key, value]) => (
              <div key={key}>
                <dt>{t(`person.${key}`)}</dt>
                <dd>{String(value)}</dd>
              </div>
            ))}
          </dl>
          <button type="button" onClick={() => setPerson(null)}>
            {t("identity.hide")}
          </button>
        </div>
      )}
      <ProblemNote error={error} />
    </section>
  );
}
