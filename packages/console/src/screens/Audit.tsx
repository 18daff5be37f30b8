/** The audit log for auditors: who did what, to which pseudonymous id, when — never case data. */
import { Loading, ProblemNote } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { get } from "../lib/api.ts";
import { useAsync } from "../lib/use-async.ts";

interface Entry {
  seq: number;
  at?: string;
  actorUserId: string | null;
  actorRole: string | null;
  action: string;
  outcome: string;
  targetType: string | null;
  targetId: string | null;
}

export default function Audit() {
  const t = useT();
  const verify = useAsync(() => get<{ ok?: boolean; valid?: boolean }>("/v1/audit/verify"), []);
  const log = useAsync(() => get<{ items: Entry[] }>("/v1/audit?limit=200"), []);
  const ok = verify.data && (verify.data.ok ?? verify.data.valid);
  return (
    <main id="main">
      <h1>{t("audit.title")}</h1>
      {verify.data && (
        <p role="status" className={ok ? "notice success" : "problem"}>
          {ok ? t("audit.chainOk") : t("audit.chainBroken")}
        </p>
      )}
      <ProblemNote error={log.error ?? verify.error} />
      {log.loading && <Loading />}
      <table>
        <thead>
          <tr>
            <th scope="col">#</th>
            <th scope="col">{t("audit.action")}</th>
            <th scope="col">{t("audit.outcome")}</th>
            <th scope="col">{t("audit.actor")}</th>
            <th scope="col">{t("audit.target")}</th>
          </tr>
        </thead>
        <tbody>
          {[...(log.data?.items ?? [])].reverse().map((e) => (
            <tr key={e.seq}>
              <td>{e.seq}</td>
              <td>{e.action}</td>
              <td>{e.outcome}</td>
              <td>
                {e.actorUserId ?? "—"} {e.actorRole ? `(${e.actorRole})` : ""}
              </td>
              <td>{e.targetId ?? "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </main>
  );
}
