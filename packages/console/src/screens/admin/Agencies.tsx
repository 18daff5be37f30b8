/** Registered agencies and the form that registers one (the server checks the code against the pathway). */
import { type FormEvent, useState } from "react";
import { ProblemNote } from "../../components.tsx";
import { useT } from "../../i18n/use-t.ts";
import { post } from "../../lib/api.ts";
import { AGENCY_KINDS, type Agency } from "./types.ts";

export default function Agencies({ agencies, onChange }: { agencies: Agency[]; onChange(): void }) {
  const t = useT();
  const [error, setError] = useState<unknown>(null);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    setError(null);
    try {
      await post("/v1/admin/agencies", {
        country: String(form.get("country")).trim().toUpperCase(),
        code: String(form.get("code")).trim(),
        name: String(form.get("name")).trim(),
        kind: String(form.get("kind")),
      });
      formElement.reset();
      onChange();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section aria-labelledby="admin-agencies">
      <h2 id="admin-agencies">{t("admin.agencies")}</h2>
      <table>
        <thead>
          <tr>
            <th scope="col">{t("admin.agency.id")}</th>
            <th scope="col">{t("admin.agency.name")}</th>
            <th scope="col">{t("admin.agency.kind")}</th>
          </tr>
        </thead>
        <tbody>
          {agencies.map((a) => (
            <tr key={a.id}>
              <td>{a.id}</td>
              <td>{a.name}</td>
              <td>{t(`admin.kind.${a.kind}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <form onSubmit={submit} aria-labelledby="admin-agency-add">
        <h3 id="admin-agency-add">{t("admin.agency.add")}</h3>
        <label htmlFor="agency-country">{t("admin.agency.country")}</label>
        <input id="agency-country" name="country" required maxLength={4} autoComplete="off" />
        <label htmlFor="agency-code">{t("admin.agency.code")}</label>
        <input id="agency-code" name="code" required maxLength={100} autoComplete="off" />
        <label htmlFor="agency-name">{t("admin.agency.name")}</label>
        <input id="agency-name" name="name" required maxLength={200} autoComplete="off" />
        <label htmlFor="agency-kind">{t("admin.agency.kind")}</label>
        <select id="agency-kind" name="kind" defaultValue="government">
          {AGENCY_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`admin.kind.${k}`)}
            </option>
          ))}
        </select>
        <button type="submit">{t("admin.agency.add")}</button>
      </form>
      <ProblemNote error={error} />
    </section>
  );
}
