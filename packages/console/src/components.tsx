/** Small pieces shared by the screens. */
import { STAGE_IDS, type StageId } from "@passerelle/definitions/codes";
import { useEffect, useState } from "react";
import { useIntl } from "react-intl";
import { useT } from "./i18n/use-t.ts";
import { ApiError } from "./lib/api.ts";
import { dueWords, formatInZone } from "./lib/due.ts";
import { pick } from "./lib/labels.ts";
import { pathwayDefinition } from "./lib/pathways.ts";
import type { PathwayDefinition } from "./lib/types.ts";

/** The definition of a pathway version, or undefined while it loads. */
export function usePathway(country: string | undefined, version: number | undefined) {
  const [definition, setDefinition] = useState<PathwayDefinition>();
  useEffect(() => {
    if (!country || !version) return;
    let live = true;
    pathwayDefinition(country, version).then(
      (d) => live && setDefinition(d),
      () => undefined,
    );
    return () => {
      live = false;
    };
  }, [country, version]);
  return definition;
}

/** "overdue by 3 days" / "due in 2 hours", with the date in the pathway's time zone. */
export function Due({ dueAt, pathway }: { dueAt: string; pathway: PathwayDefinition | undefined | null }) {
  const t = useT();
  const intl = useIntl();
  const timeZone = pathway?.timezone;
  const words = dueWords(dueAt, Date.now(), pathway ?? undefined);
  const amount = t(words.unit, { count: words.count });
  return (
    <span className={words.id === "due.overdue" ? "due overdue" : "due"}>
      <strong>{t(words.id, { amount })}</strong>{" "}
      <time dateTime={dueAt}>({formatInZone(dueAt, intl.locale, timeZone)})</time>
    </span>
  );
}

export function Loading() {
  const t = useT();
  return (
    <p role="status" className="muted">
      {t("common.loading")}
    </p>
  );
}

const KNOWN_PROBLEMS = new Set([
  "PASSERELLE_GUARD_FAILED",
  "PASSERELLE_EVENT_NOT_ALLOWED",
  "PASSERELLE_EVENT_DATA_INVALID",
  "PASSERELLE_STALE_REVISION",
  "PASSERELLE_FORBIDDEN",
  "PASSERELLE_CASE_NOT_FOUND",
  "PASSERELLE_LOGIN_FAILED",
  "PASSERELLE_RATE_LIMITED",
  "PASSERELLE_VALIDATION_FAILED",
  "PASSERELLE_CONSENT_REQUIRED",
  "PASSERELLE_CONSENT_WITHDRAWN",
  "PASSERELLE_BEST_INTERESTS_DECISION_REQUIRED",
  "PASSERELLE_REFERRAL_REVOKED",
  "PASSERELLE_LOGIN_LOCKED",
  "PASSERELLE_SNOOZE_TOO_LONG",
  "PASSERELLE_TASK_NOT_OPEN",
  "PASSERELLE_UNKNOWN_AGENCY",
  "PASSERELLE_AGENCY_NOT_REGISTERED",
  "PASSERELLE_CASE_CLOSED",
  "PASSERELLE_SNOOZE_NOT_LATER",
  "PASSERELLE_TASK_ASSIGNEE_INVALID",
  "PASSERELLE_UNAUTHENTICATED",
  "PASSERELLE_AGENCY_NOT_IN_PATHWAY",
  "PASSERELLE_ALREADY_EXISTS",
  "PASSERELLE_OWN_ACCOUNT",
  "PASSERELLE_USER_NOT_FOUND",
  "PASSERELLE_TOKEN_NOT_FOUND",
]);

/** A refusal in plain words: what happened, what to do next, and the server's own detail. */
export function ProblemNote({ error }: { error: unknown }) {
  const t = useT();
  if (!error) return null;
  if (!(error instanceof ApiError)) {
    return (
      <div role="alert" className="problem">
        <p>{t("problem.network")}</p>
      </div>
    );
  }
  const { problem } = error;
  const key = KNOWN_PROBLEMS.has(problem.code) ? problem.code : "generic";
  const failed = Array.isArray(problem.failedConditions) ? (problem.failedConditions as string[]) : [];
  const invalid = Array.isArray(problem.invalidFields)
    ? (problem.invalidFields as { path: string; message: string }[])
    : [];
  return (
    <div role="alert" className="problem" data-code={problem.code}>
      <p>
        <strong>{t(`problem.${key}`)}</strong>
      </p>
      {failed.length > 0 && (
        <ul>
          {failed.map((f) => (
            <li key={f}>{f}</li>
          ))}
        </ul>
      )}
      {invalid.length > 0 && (
        <ul>
          {invalid.map((f) => (
            <li key={`${f.path}${f.message}`}>
              <code>{f.path}</code> {f.message}
            </li>
          ))}
        </ul>
      )}
      {problem.detail && failed.length === 0 && <p className="muted">{problem.detail}</p>}
    </div>
  );
}

/** The seven top-level stages: done, current, skipped (never entered and now behind) or ahead. */
export function StageBar({
  stage,
  visited,
  definition,
  language,
}: {
  stage: string;
  visited: Set<string>;
  definition: PathwayDefinition | undefined;
  language: string;
}) {
  const t = useT();
  const current = STAGE_IDS.indexOf(stage as StageId);
  return (
    <ol className="stages" aria-label={t("case.stages")}>
      {STAGE_IDS.map((id, index) => {
        const status =
          index === current
            ? "current"
            : index < current
              ? visited.has(id)
                ? "done"
                : "skipped"
              : definition && !definition.states[id]
                ? "skipped"
                : "ahead";
        const label = definition?.states[id]
          ? pick(definition.states[id].label, language, definition.languages)
          : t(`stage.${id}`);
        return (
          <li key={id} className={`stage ${status}`} aria-current={status === "current" ? "step" : undefined}>
            <span>{label}</span> <span className="stage-status">{t(`stageStatus.${status}`)}</span>
          </li>
        );
      })}
    </ol>
  );
}
