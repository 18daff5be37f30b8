/** Anonymised case counts (committee: the country; supervisor: their agency). Small cells are withheld by the server. */
import { useState } from "react";
import { Loading, ProblemNote } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { get } from "../lib/api.ts";
import { useAsync } from "../lib/use-async.ts";

const DIMENSIONS = ["stage", "outcome", "sex", "ageBand", "nationality", "agency", "pathwayVersion"];

interface Aggregates {
  country: string;
  groupBy: string[];
  minCell: number;
  rows: Record<string, string | number | null>[];
}

export default function Stats() {
  const t = useT();
  const [groupBy, setGroupBy] = useState("stage");
  const stats = useAsync(() => get<Aggregates>(`/v1/stats/cases?groupBy=${groupBy}`), [groupBy]);
  const rows = stats.data?.rows ?? [];
  const max = Math.max(1, ...rows.map((r) => (typeof r.count === "number" ? r.count : 0)));
  return (
    <main id="main">
      <h1>{t("stats.title")}</h1>
      <label htmlFor="group-by">{t("stats.groupBy")}</label>
      <select id="group-by" value={groupBy} onChange={(e) => setGroupBy(e.target.value)}>
        {DIMENSIONS.map((d) => (
          <option key={d} value={d}>
            {t(`stats.dimension.${d}`)}
          </option>
        ))}
      </select>
      <ProblemNote error={stats.error} />
      {stats.loading && <Loading />}
      {stats.data && (
        <>
          <p className="muted">{t("stats.suppressed", { min: stats.data.minCell })}</p>
          <table>
            <caption>{t("stats.caption", { country: stats.data.country })}</caption>
            <thead>
              <tr>
                <th scope="col">{t(`stats.dimension.${groupBy}`)}</th>
                <th scope="col">{t("stats.count")}</th>
                <th scope="col">{t("stats.chart")}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => {
                const label = String(row[groupBy] ?? "—");
                return (
                  <tr key={label}>
                    <td>{label}</td>
                    <td>{row.count === null ? t("stats.withheld") : row.count}</td>
                    <td>
                      {/* A <meter> is a chart bar screen readers can read, and needs no inline style. */}
                      <meter
                        min={0}
                        max={max}
                        value={typeof row.count === "number" ? row.count : 0}
                        aria-label={label}
                      />
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      )}
    </main>
  );
}
