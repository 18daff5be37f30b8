/**
 * "My work": open tasks (overdue first) and the cases in reach, filtered by country, stage,
 * assignee and overdue. Lists carry pseudonymous ids only, never a name.
 */
import { STAGE_IDS } from "@passerelle/definitions/codes";
import { useState } from "react";
import { useIntl } from "react-intl";
import { Due, Loading, ProblemNote, usePathway } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { casesPath, getList, type HomeFilters, initialFilters, tasksPath } from "../lib/home-lists.ts";
import { pick, stateLabels } from "../lib/labels.ts";
import { latestDefinition } from "../lib/pathways.ts";
import { href } from "../lib/router.ts";
import { useUser } from "../lib/session.tsx";
import type { CaseSummary, Task } from "../lib/types.ts";
import { useAsync } from "../lib/use-async.ts";

const byUrgency =
  <T extends { overdue: boolean }>(due: (x: T) => string | null) =>
  (a: T, b: T) =>
    Number(b.overdue) - Number(a.overdue) || (due(a) ?? "9999").localeCompare(due(b) ?? "9999");

export default function Home() {
  const t = useT();
  const user = useUser();
  const [filters, setFilters] = useState<HomeFilters>(() => initialFilters(user));
  const set = (key: keyof HomeFilters) => (e: { target: { value: string } }) =>
    setFilters((f) => ({ ...f, [key]: e.target.value }));

  const cases = useAsync(
    () => getList<CaseSummary>(casesPath(user, filters)),
    [filters.country, filters.stage, filters.assignee, filters.overdue],
  );
  const tasks = useAsync(
    () => getList<Task>(tasksPath(user, filters)),
    [filters.country, filters.overdue, filters.assignee],
  );

  const taskItems = [...(tasks.data?.items ?? [])].sort(byUrgency<Task>((x) => x.dueAt));
  const ownAgency = user.agencyId.split(":")[1];
  const now = Date.now();
  // Mine: assigned to my role at my agency, or (supervisors) escalated to supervisors already.
  const mine = taskItems.filter(
    (task) =>
      (task.assignee.role === user.role && (task.assignee.agency ?? ownAgency) === ownAgency) ||
      (user.role === "supervisor" &&
        (task.escalation ?? []).some(
          (rung) => rung.notify.role === "supervisor" && Date.parse(rung.at) <= now,
        )),
  );
  const caseItems = [...(cases.data?.items ?? [])].sort(byUrgency<CaseSummary>((x) => x.nextDueAt));
  // Cases another agency referred to mine: the owning agency is not mine.
  const referredIn = caseItems.filter(
    (c) => c.agency !== null && (c.country !== user.country || c.agency !== ownAgency),
  );

  return (
    <main id="main">
      <h1>{t("home.title")}</h1>
      <form className="filters" aria-label={t("home.filters")} onSubmit={(e) => e.preventDefault()}>
        <label>
          {t("home.filter.country")}
          <input value={filters.country} onChange={set("country")} maxLength={4} size={5} />
        </label>
        <label>
          {t("home.filter.stage")}
          <select value={filters.stage} onChange={set("stage")}>
            <option value="">{t("home.filter.any")}</option>
            {STAGE_IDS.map((s) => (
              <option key={s} value={s}>
                {t(`stage.${s}`)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t("home.filter.assignee")}
          <select value={filters.assignee} onChange={set("assignee")}>
            <option value="">{t("home.filter.anyone")}</option>
            <option value="me">{t("home.filter.me")}</option>
          </select>
        </label>
        <label>
          {t("home.filter.overdue")}
          <select value={filters.overdue} onChange={set("overdue")}>
            <option value="">{t("home.filter.any")}</option>
            <option value="true">{t("home.filter.overdueOnly")}</option>
            <option value="false">{t("home.filter.notOverdue")}</option>
          </select>
        </label>
      </form>

      <section aria-labelledby="needs-action">
        <h2 id="needs-action">{t("home.needsAction", { count: mine.length })}</h2>
        {tasks.loading && !tasks.data ? <Loading /> : <TaskTable tasks={mine} />}
      </section>

      {referredIn.length > 0 && (
        <section aria-labelledby="referred-in">
          <h2 id="referred-in">{t("home.referredIn", { count: referredIn.length })}</h2>
          <ul>
            {referredIn.map((c) => (
              <li key={c.id}>
                <a href={href({ name: "case", id: c.id })}>{c.id}</a> ({c.country}:{c.agency})
              </li>
            ))}
          </ul>
        </section>
      )}

      <section aria-labelledby="my-tasks">
        <h2 id="my-tasks">{t("home.tasks", { count: taskItems.length })}</h2>
        <ProblemNote error={tasks.error} />
        {tasks.loading && !tasks.data ? <Loading /> : <TaskTable tasks={taskItems} />}
      </section>

      <section aria-labelledby="my-cases">
        <h2 id="my-cases">{t("home.cases", { count: caseItems.length })}</h2>
        <ProblemNote error={cases.error} />
        {cases.loading && !cases.data ? (
          <Loading />
        ) : caseItems.length === 0 ? (
          <p>{t("home.noCases")}</p>
        ) : (
          <table>
            <caption className="visually-hidden">{t("home.cases", { count: caseItems.length })}</caption>
            <thead>
              <tr>
                <th scope="col">{t("case.id")}</th>
                <th scope="col">{t("case.country")}</th>
                <th scope="col">{t("case.state")}</th>
                <th scope="col">{t("case.nextDue")}</th>
              </tr>
            </thead>
            <tbody>
              {caseItems.map((c) => (
                <CaseRow key={c.id} item={c} />
              ))}
            </tbody>
          </table>
        )}
      </section>
    </main>
  );
}

function CaseRow({ item }: { item: CaseSummary }) {
  const intl = useIntl();
  const definition = usePathway(item.country, item.pathwayVersion);
  return (
    <tr className={item.overdue ? "overdue-row" : undefined}>
      <td>
        <a href={href({ name: "case", id: item.id })}>{item.id}</a>
      </td>
      <td>{item.country}</td>
      <td>{stateLabels(definition, item.state, intl.locale).join(" › ")}</td>
      <td>{item.nextDueAt ? <Due dueAt={item.nextDueAt} pathway={definition} /> : "—"}</td>
    </tr>
  );
}

export function TaskTable({ tasks }: { tasks: Task[] }) {
  const t = useT();
  if (tasks.length === 0) return <p>{t("home.noTasks")}</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">{t("task.what")}</th>
          <th scope="col">{t("case.id")}</th>
          <th scope="col">{t("task.assignee")}</th>
          <th scope="col">{t("task.due")}</th>
        </tr>
      </thead>
      <tbody>
        {tasks.map((task) => (
          <TaskRow key={task.id} task={task} />
        ))}
      </tbody>
    </table>
  );
}

function TaskRow({ task }: { task: Task }) {
  const intl = useIntl();
  return (
    <tr className={task.overdue ? "overdue-row" : undefined}>
      <td>{pick(task.label, intl.locale)}</td>
      <td>
        <a href={href({ name: "case", id: task.caseId })}>{task.caseId}</a>
      </td>
      <td>
        {task.assignee.role}
        {task.assignee.agency ? `@${task.assignee.agency}` : ""}
      </td>
      <td>
        <TaskDue task={task} />
      </td>
    </tr>
  );
}

/** Tasks carry no country: the due date is shown in the user's own pathway time zone when known. */
function TaskDue({ task }: { task: Task }) {
  const user = useUser();
  const latest = useAsync(() => latestDefinition(user.country), [user.country]);
  return <Due dueAt={task.dueAt} pathway={latest.data} />;
}
