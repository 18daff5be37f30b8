/**
 * The case's open tasks: complete (anyone who may act on the case); snooze and reassign
 * (supervisors — the server decides, the console only hides what would be refused anyway).
 */
import { type FormEvent, useState } from "react";
import { useIntl } from "react-intl";
import { Due, ProblemNote } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { post } from "../lib/api.ts";
import { pick } from "../lib/labels.ts";
import { useUser } from "../lib/session.tsx";
import type { CaseView, PathwayDefinition, Task } from "../lib/types.ts";

type Mode = { task: string; action: "complete" | "snooze" | "reassign" } | null;

export default function Tasks({
  caseView,
  definition,
  onChange,
}: {
  caseView: CaseView;
  definition: PathwayDefinition | undefined;
  onChange(): void;
}) {
  const t = useT();
  const intl = useIntl();
  const user = useUser();
  const [mode, setMode] = useState<Mode>(null);
  const [error, setError] = useState<unknown>(null);
  const [done, setDone] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>, task: Task) {
    event.preventDefault();
    if (!mode) return;
    const form = new FormData(event.currentTarget);
    const value = (name: string) => String(form.get(name) ?? "").trim();
    setError(null);
    try {
      if (mode.action === "complete") {
        await post(`/v1/tasks/${task.id}/complete`, value("note") ? { note: value("note") } : {});
      } else if (mode.action === "snooze") {
        await post(`/v1/tasks/${task.id}/snooze`, {
          for: { workingDays: Number(value("days")) },
          reason: value("reason"),
        });
      } else {
        const agency = value("agency");
        await post(`/v1/tasks/${task.id}/reassign`, {
          assignee: { role: value("role"), ...(agency && { agency }) },
          reason: value("reason"),
        });
      }
      setDone(t(`task.done.${mode.action}`));
      setMode(null);
      onChange();
    } catch (e) {
      setError(e);
    }
  }

  const supervisor = user.role === "supervisor";
  return (
    <section aria-labelledby="tasks">
      <h2 id="tasks">{t("case.tasks", { count: caseView.tasks.length })}</h2>
      {done && (
        <p role="status" className="notice success">
          {done}
        </p>
      )}
      {caseView.tasks.length === 0 && <p>{t("home.noTasks")}</p>}
      <ul className="cards">
        {[...caseView.tasks]
          .sort((a, b) => Number(b.overdue) - Number(a.overdue) || a.dueAt.localeCompare(b.dueAt))
          .map((task) => (
            <li key={task.id} className={task.overdue ? "overdue-row" : undefined}>
              <p>
                <strong>{pick(task.label, intl.locale)}</strong> — {task.assignee.role}
                {task.assignee.agency ? `@${task.assignee.agency}` : ""} ·{" "}
                <Due dueAt={task.dueAt} pathway={definition} />
              </p>
              <div className="row">
                <button type="button" onClick={() => setMode({ task: task.id, action: "complete" })}>
                  {t("task.complete")}
                </button>
                {supervisor && (
                  <>
                    <button type="button" onClick={() => setMode({ task: task.id, action: "snooze" })}>
                      {t("task.snooze")}
                    </button>
                    <button type="button" onClick={() => setMode({ task: task.id, action: "reassign" })}>
                      {t("task.reassign")}
                    </button>
                  </>
                )}
              </div>
              {mode?.task === task.id && (
                <form onSubmit={(e) => void submit(e, task)} aria-label={t(`task.${mode.action}`)}>
                  {mode.action === "complete" && (
                    <>
                      <label htmlFor={`note-${task.id}`}>{t("task.note")}</label>
                      <textarea id={`note-${task.id}`} name="note" maxLength={2000} />
                    </>
                  )}
                  {mode.action === "snooze" && (
                    <>
                      <label htmlFor={`days-${task.id}`}>{t("task.snoozeDays")}</label>
                      <input
                        id={`days-${task.id}`}
                        name="days"
                        type="number"
                        min={1}
                        max={60}
                        defaultValue={2}
                        required
                      />
                    </>
                  )}
                  {mode.action === "reassign" && (
                    <>
                      <label htmlFor={`role-${task.id}`}>{t("task.role")}</label>
                      <select id={`role-${task.id}`} name="role" defaultValue="supervisor">
                        <option value="caseworker">caseworker</option>
                        <option value="supervisor">supervisor</option>
                        <option value="committee">committee</option>
                      </select>
                      <label htmlFor={`agency-${task.id}`}>{t("task.agency")}</label>
                      <input
                        id={`agency-${task.id}`}
                        name="agency"
                        defaultValue={task.assignee.agency ?? ""}
                      />
                    </>
                  )}
                  {mode.action !== "complete" && (
                    <>
                      <label htmlFor={`reason-${task.id}`}>{t("task.reason")}</label>
                      <input id={`reason-${task.id}`} name="reason" required maxLength={2000} />
                    </>
                  )}
                  <button type="submit">{t("common.confirm")}</button>{" "}
                  <button type="button" className="secondary" onClick={() => setMode(null)}>
                    {t("common.cancel")}
                  </button>
                </form>
              )}
            </li>
          ))}
      </ul>
      <ProblemNote error={error} />
    </section>
  );
}
