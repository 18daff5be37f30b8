/** Who the case is assigned to; supervisors reassign it within their agency (a user id, never a name). */
import { type FormEvent, useState } from "react";
import { ProblemNote } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { post } from "../lib/api.ts";
import { useUser } from "../lib/session.tsx";
import type { CaseView } from "../lib/types.ts";

export default function CaseAssignee({ caseView, onChange }: { caseView: CaseView; onChange(): void }) {
  const t = useT();
  const user = useUser();
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const assignee = String(new FormData(event.currentTarget).get("assignee") ?? "").trim();
    setError(null);
    setDone(false);
    try {
      await post(`/v1/cases/${caseView.id}/assignee`, { assignee });
      setDone(true);
      onChange();
    } catch (e) {
      setError(e);
    }
  }

  return (
    <section aria-labelledby="assignee">
      <h2 id="assignee">{t("assignee.title")}</h2>
      <p>{caseView.assignee ?? t("assignee.none")}</p>
      {user.role === "supervisor" && (
        <form onSubmit={submit} aria-label={t("assignee.reassign")}>
          <label htmlFor="case-assignee">{t("assignee.userId")}</label>
          <input id="case-assignee" name="assignee" required maxLength={100} defaultValue={user.userId} />
          <button type="submit">{t("assignee.reassign")}</button>
        </form>
      )}
      {done && (
        <p role="status" className="notice success">
          {t("assignee.done")}
        </p>
      )}
      <ProblemNote error={error} />
    </section>
  );
}
