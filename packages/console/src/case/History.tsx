/** The case's timeline (oldest first) and the reminders and escalations sent for it. */
import { useIntl } from "react-intl";
import { useT } from "../i18n/use-t.ts";
import { get } from "../lib/api.ts";
import { eventName } from "../lib/labels.ts";
import type { HistoryEntry, PathwayDefinition } from "../lib/types.ts";
import { useAsync } from "../lib/use-async.ts";

interface Notification {
  id: string;
  kind: string;
  channel: string;
  recipient: { role: string; agency: string | null };
  status: string;
  createdAt: string;
}

export default function History({
  caseId,
  entries,
  definition,
  labelOf,
}: {
  caseId: string;
  entries: HistoryEntry[];
  definition: PathwayDefinition | undefined;
  labelOf(state: string): string;
}) {
  const t = useT();
  const intl = useIntl();
  const notifications = useAsync(
    () => get<{ items: Notification[] }>(`/v1/cases/${caseId}/notifications`),
    [caseId, entries.length],
  );
  const when = (iso: string) =>
    new Intl.DateTimeFormat(intl.locale, {
      dateStyle: "medium",
      timeStyle: "short",
      timeZone: definition?.timezone,
    }).format(new Date(iso));
  return (
    <>
      <section aria-labelledby="history">
        <h2 id="history">{t("history.title")}</h2>
        <ol className="timeline">
          {entries.map((h) => (
            <li key={h.seq}>
              <time dateTime={h.at}>{when(h.at)}</time> —{" "}
              <strong>{eventName(h.event, definition, intl.locale, t)}</strong> → {labelOf(h.to)}{" "}
              <span className="muted">({h.actor})</span>
            </li>
          ))}
        </ol>
      </section>
      <section aria-labelledby="notifications">
        <h2 id="notifications">{t("notifications.title")}</h2>
        {(notifications.data?.items ?? []).length === 0 ? (
          <p>{t("notifications.none")}</p>
        ) : (
          <ul>
            {notifications.data?.items.map((n) => (
              <li key={`${n.id}${n.channel}`}>
                {when(n.createdAt)} —{" "}
                {t(`notifications.${n.kind === "escalation" ? "escalation" : "reminder"}`)} →{" "}
                {n.recipient?.role ?? ""} ({n.channel}, {n.status})
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
