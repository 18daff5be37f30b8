/** Every country's pathway versions (committee, auditor, everyone signed in: no personal data). */
import { useIntl } from "react-intl";
import { Loading, ProblemNote } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { get } from "../lib/api.ts";
import { pick } from "../lib/labels.ts";
import { href } from "../lib/router.ts";
import type { CountryPathways } from "../lib/types.ts";
import { useAsync } from "../lib/use-async.ts";

export default function Pathways() {
  const t = useT();
  const intl = useIntl();
  const pathways = useAsync(() => get<{ countries: CountryPathways[] }>("/v1/pathways"), []);
  return (
    <main id="main">
      <h1>{t("pathways.title")}</h1>
      <ProblemNote error={pathways.error} />
      {pathways.loading && <Loading />}
      <table>
        <thead>
          <tr>
            <th scope="col">{t("case.country")}</th>
            <th scope="col">{t("pathways.version")}</th>
            <th scope="col">{t("pathways.titleColumn")}</th>
            <th scope="col">{t("pathways.status")}</th>
            <th scope="col">{t("pathways.effective")}</th>
          </tr>
        </thead>
        <tbody>
          {(pathways.data?.countries ?? []).flatMap((c) =>
            c.versions.map((v) => (
              <tr key={`${c.country}@${v.version}`}>
                <td>{c.country}</td>
                <td>
                  <a href={href({ name: "pathway", country: c.country, version: v.version })}>
                    {t("case.pathwayVersion", { version: v.version })}
                  </a>
                </td>
                <td>{pick(v.title, intl.locale)}</td>
                <td>{t(`pathways.${v.status}`)}</td>
                <td>{v.effectiveDate}</td>
              </tr>
            )),
          )}
        </tbody>
      </table>
    </main>
  );
}
