/**
 * Register a presumed victim: the person (HTCDS fields) and the identification, for the user's own
 * agency in its country (the server refuses any other). A person whose age is uncertain — or whose
 * birth date is unknown — is treated as a child, and the form says so before it is sent.
 */
import { IDENTIFICATION_METHODS } from "@passerelle/definitions/codes";
import { type FormEvent, useState } from "react";
import { useIntl } from "react-intl";
import { Loading, ProblemNote } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { post } from "../lib/api.ts";
import { pick } from "../lib/labels.ts";
import { latestDefinition } from "../lib/pathways.ts";
import { navigate } from "../lib/router.ts";
import { useUser } from "../lib/session.tsx";
import type { CaseView } from "../lib/types.ts";
import { useAsync } from "../lib/use-async.ts";

const SEXES = ["female", "male", "intersex", "unknown"];

export default function Register() {
  const t = useT();
  const intl = useIntl();
  const user = useUser();
  const ownAgency = user.agencyId.split(":")[1] ?? "";
  const pathway = useAsync(() => latestDefinition(user.country), [user.country]);
  const [ageUncertain, setAgeUncertain] = useState(false);
  const [birthDate, setBirthDate] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const treatedAsChild = ageUncertain || birthDate === "" || isUnder18(birthDate);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const text = (name: string) => {
      const value = String(form.get(name) ?? "").trim();
      return value === "" ? undefined : value;
    };
    const person = {
      givenName: text("givenName"),
      familyName: text("familyName"),
      sex: text("sex"),
      birthDate: text("birthDate"),
      ...(ageUncertain && { ageUncertain: true }),
      nationality: text("nationality")?.toUpperCase(),
      primaryLanguage: text("primaryLanguage"),
    };
    const identification = {
      date: text("date"),
      agency: text("agency"),
      method: text("method"),
      location: text("location"),
    };
    setBusy(true);
    setError(null);
    try {
      const created = await post<CaseView>("/v1/cases", {
        country: user.country,
        person: dropUndefined(person),
        identification: dropUndefined(identification),
      });
      navigate({ name: "case", id: created.id });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  if (pathway.loading) return <Loading />;
  const definition = pathway.data;
  return (
    <main id="main" className="narrow">
      <h1>{t("register.title")}</h1>
      <p className="muted">{t("register.privacy")}</p>
      <form onSubmit={submit}>
        <fieldset>
          <legend>{t("register.person")}</legend>
          <label htmlFor="givenName">{t("register.givenName")}</label>
          <input id="givenName" name="givenName" maxLength={200} autoComplete="off" />
          <label htmlFor="familyName">{t("register.familyName")}</label>
          <input id="familyName" name="familyName" maxLength={200} autoComplete="off" />
          <label htmlFor="sex">{t("register.sex")}</label>
          <select id="sex" name="sex" defaultValue="">
            <option value="">{t("register.notRecorded")}</option>
            {SEXES.map((s) => (
              <option key={s} value={s}>
                {t(`sex.${s}`)}
              </option>
            ))}
          </select>
          <label htmlFor="birthDate">{t("register.birthDate")}</label>
          <input
            id="birthDate"
            name="birthDate"
            type="date"
            value={birthDate}
            onChange={(e) => setBirthDate(e.target.value)}
          />
          <div className="check">
            <input
              id="ageUncertain"
              type="checkbox"
              checked={ageUncertain}
              onChange={(e) => setAgeUncertain(e.target.checked)}
            />
            <label htmlFor="ageUncertain">{t("register.ageUncertain")}</label>
          </div>
          <p
            role="status"
            aria-live="polite"
            className={treatedAsChild ? "notice child" : "muted"}
            id="child-notice"
          >
            {treatedAsChild ? t("register.treatedAsChild") : t("register.adult")}
          </p>
          <label htmlFor="nationality">{t("register.nationality")}</label>
          <input id="nationality" name="nationality" maxLength={2} pattern="[A-Za-z]{2}" size={3} />
          <label htmlFor="primaryLanguage">{t("register.primaryLanguage")}</label>
          <input id="primaryLanguage" name="primaryLanguage" maxLength={3} size={4} />
        </fieldset>
        <fieldset>
          <legend>{t("register.identification")}</legend>
          <label htmlFor="date">{t("register.date")}</label>
          <input
            id="date"
            name="date"
            type="date"
            required
            defaultValue={new Date().toISOString().slice(0, 10)}
          />
          <label htmlFor="agency">{t("register.agency")}</label>
          <select id="agency" name="agency" defaultValue={ownAgency} required>
            {(definition?.agencies ?? [{ id: ownAgency, name: { en: ownAgency } }]).map((a) => (
              <option key={a.id} value={a.id} disabled={a.id !== ownAgency}>
                {pick(a.name, intl.locale, definition?.languages)}
              </option>
            ))}
          </select>
          <label htmlFor="method">{t("register.method")}</label>
          <select id="method" name="method" required defaultValue="">
            <option value="" disabled>
              {t("register.choose")}
            </option>
            {IDENTIFICATION_METHODS.map((m) => (
              <option key={m} value={m}>
                {t(`method.${m}`)}
              </option>
            ))}
          </select>
          <label htmlFor="location">{t("register.location")}</label>
          <input id="location" name="location" maxLength={200} />
        </fieldset>
        <button type="submit" disabled={busy}>
          {t("register.submit")}
        </button>
      </form>
      <ProblemNote error={error} />
    </main>
  );
}

function dropUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function isUnder18(birthDate: string): boolean {
  const born = Date.parse(birthDate);
  if (Number.isNaN(born)) return true;
  const adult = new Date(born);
  adult.setFullYear(adult.getFullYear() + 18);
  return adult.getTime() > Date.now();
}
