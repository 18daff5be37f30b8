/**
 * One case: pseudonymous id, stage bar, state in the pathway's labels, the allowed events as
 * buttons (each opening the form of its JSON Schema), and the case's tasks, consents, referrals,
 * notifications and history. A stale revision (409) never overwrites: the case is read again and
 * the page says what changed.
 */
import { lazy, Suspense, useEffect, useRef, useState } from "react";
import { useIntl } from "react-intl";
import { Loading, ProblemNote, StageBar, usePathway } from "../components.tsx";
import { useT } from "../i18n/use-t.ts";
import { ApiError, get, post } from "../lib/api.ts";
import { eventName, pick, stateLabels } from "../lib/labels.ts";
import { href } from "../lib/router.ts";
import type { AllowedEvent, CaseView, HistoryEntry } from "../lib/types.ts";
import { useAsync } from "../lib/use-async.ts";
import CaseAssignee from "./CaseAssignee.tsx";
import Consents from "./Consents.tsx";
import History from "./History.tsx";
import Identity from "./Identity.tsx";
import Referrals from "./Referrals.tsx";
import Tasks from "./Tasks.tsx";

const EventForm = lazy(() => import("./EventForm.tsx"));

export interface Conflict {
  fromRevision: number;
  toRevision: number;
  fromState: string;
  toState: string;
  events: HistoryEntry[];
}

export default function CasePage({ id }: { id: string }) {
  const t = useT();
  const intl = useIntl();
  const caseState = useAsync(() => get<CaseView>(`/v1/cases/${encodeURIComponent(id)}`), [id]);
  const history = useAsync(
    () => get<{ items: HistoryEntry[] }>(`/v1/cases/${encodeURIComponent(id)}/history`),
    [id, caseState.data?.revision],
  );
  const [view, setView] = useState<CaseView>();
  const [open, setOpen] = useState<AllowedEvent | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    if (caseState.data) setView(caseState.data);
  }, [caseState.data]);
  const definition = usePathway(view?.country, view?.pathwayVersion);

  if (caseState.error) {
    return (
      <main id="main">
        <h1>{t("case.title", { id })}</h1>
        <ProblemNote error={caseState.error} />
      </main>
    );
  }
  if (!view) return <Loading />;
  const current: CaseView = view;
  const language = intl.locale;
  const visited = new Set(
    (history.data?.items ?? []).flatMap((h) => [h.from, h.to]).map((s) => s?.split(".")[0] ?? ""),
  );

  /** The case as the server has it now; on a conflict, what changed since `seen`. */
  async function refresh(seen?: CaseView) {
    const fresh = await get<CaseView>(`/v1/cases/${encodeURIComponent(id)}`);
    if (seen) {
      const all = await get<{ items: HistoryEntry[] }>(`/v1/cases/${encodeURIComponent(id)}/history`);
      setConflict({
        fromRevision: seen.revision,
        toRevision: fresh.revision,
        fromState: seen.state,
        toState: fresh.state,
        events: all.items.filter((h) => h.seq > seen.revision),
      });
    }
    setView(fresh);
    history.reload();
    return fresh;
  }

  async function send(event: AllowedEvent, data: Record<string, unknown>) {
    setBusy(true);
    setError(null);
    setConflict(null);
    setDone(null);
    try {
      const updated = await post<CaseView>(`/v1/cases/${encodeURIComponent(id)}/events`, {
        type: event.type,
        data,
        expectedRevision: current.revision,
      });
      setView(updated);
      setOpen(null);
      setDone(pick(event.label, language, definition?.languages));
      history.reload();
      heading.current?.focus();
    } catch (e) {
      if (e instanceof ApiError && e.problem.status === 409) {
        setOpen(null);
        await refresh(current);
      } else {
        setError(e);
      }
    } finally {
      setBusy(false);
    }
  }

  const labelOf = (state: string) => stateLabels(definition, state, language).join(" › ");
  return (
    <main id="main">
      <h1 ref={heading} tabIndex={-1}>
        {t("case.title", { id: current.id })}
      </h1>
      <dl className="facts">
        <dt>{t("case.country")}</dt>
        <dd>
          {current.country} · {t("case.pathwayVersion", { version: current.pathwayVersion })} ·{" "}
          <a
            href={href({
              name: "pathway",
              country: current.country,
              version: current.pathwayVersion,
              highlight: current.state,
            })}
          >
            {t("case.diagram")}
          </a>
        </dd>
        <dt>{t("case.state")}</dt>
        <dd data-testid="case-state">{labelOf(current.state)}</dd>
        {current.outcome && (
          <>
            <dt>{t("case.outcome")}</dt>
            <dd>{current.outcome}</dd>
          </>
        )}
        <dt>{t("case.revision")}</dt>
        <dd>{current.revision}</dd>
      </dl>
      <StageBar stage={current.stage} visited={visited} definition={definition} language={language} />

      {done && (
        <p role="status" className="notice success">
          {t("event.done", { event: done })}
        </p>
      )}
      {conflict && (
        <div role="alert" className="problem conflict" data-testid="conflict">
          <p>
            <strong>{t("conflict.title")}</strong>
          </p>
          <p>
            {conflict.fromState === conflict.toState
              ? t("conflict.changedSameState", {
                  from: conflict.fromRevision,
                  to: conflict.toRevision,
                  state: labelOf(conflict.toState),
                })
              : t("conflict.changed", {
                  from: conflict.fromRevision,
                  to: conflict.toRevision,
                  fromState: labelOf(conflict.fromState),
                  toState: labelOf(conflict.toState),
                })}
          </p>
          <ul>
            {conflict.events.map((h) => (
              <li key={h.seq}>
                {eventName(h.event, definition, language, t)} — {h.actor}
              </li>
            ))}
          </ul>
          <p>{t("conflict.next")}</p>
        </div>
      )}

      <section aria-labelledby="actions">
        <h2 id="actions">{t("case.actions")}</h2>
        {current.allowedEvents.length === 0 && <p>{t("case.noActions")}</p>}
        <ul className="actions">
          {current.allowedEvents.map((event) => (
            <li key={event.type}>
              <button
                type="button"
                className={open?.type === event.type ? "selected" : undefined}
                aria-expanded={open?.type === event.type}
                onClick={() => {
                  setOpen(event);
                  setError(null);
                }}
              >
                {pick(event.label, language, definition?.languages) || event.type}
              </button>
              {event.blockedBy.length > 0 && (
                <span className="muted">
                  {" "}
                  {t("case.blockedBy", { conditions: event.blockedBy.join("; ") })}
                </span>
              )}
            </li>
          ))}
        </ul>
        {open && (
          <section className="event-form" aria-labelledby="event-form-title">
            <h3 id="event-form-title">{pick(open.label, language, definition?.languages) || open.type}</h3>
            <Suspense fallback={<Loading />}>
              <EventForm
                key={open.type}
                type={open.type}
                schema={open.dataSchema}
                fields={definition?.events[open.type]?.data ?? {}}
                languages={definition?.languages ?? []}
                busy={busy}
                onSubmit={(data) => void send(open, data)}
                onCancel={() => setOpen(null)}
              />
            </Suspense>
          </section>
        )}
        <ProblemNote error={error} />
      </section>

      <Identity caseId={current.id} />
      <CaseAssignee caseView={current} onChange={() => void refresh()} />
      <Tasks caseView={current} definition={definition} onChange={() => void refresh()} />
      <Consents caseView={current} onChange={setView} onConflict={() => void refresh(current)} />
      <Referrals caseView={current} definition={definition} />
      <History
        caseId={current.id}
        entries={history.data?.items ?? []}
        definition={definition}
        labelOf={labelOf}
      />
    </main>
  );
}
