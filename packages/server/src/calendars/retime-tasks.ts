/**
 * After a calendar change: every open task of the country whose due time the new calendars move is
 * re-timed — due time, escalation ladder and the delivery of its next rung — in one transaction,
 * each case with a history row (`CALENDAR_RETIMED`, its revision raised) and an audit entry. Tasks
 * nothing moves are left alone; running it again changes nothing.
 */
import { type HolidayCalendar, Pathway } from "@passerelle/definitions";
import { retimeOpenTasks, type ScheduledEscalation, withCalendars } from "@passerelle/engine";
import { appendAudit } from "../audit/audit-trail.ts";
import { CLI_ACTOR } from "../audit/cli-actor.ts";
import type { Storage } from "../storage/storage.ts";
import type { CaseWithOpenTasks } from "../storage/task-repository.ts";

/** The history event type of a re-timing: not a pathway event (no pathway declares it). */
export const CALENDAR_RETIMED = "CALENDAR_RETIMED";

export interface RetimedCase {
  caseId: string;
  pathway: string;
  tasks: { key: string; from: string; to: string }[];
}

export interface RetimeReport {
  cases: RetimedCase[];
  tasks: number;
}

export async function retimeForCalendars(
  storage: Storage,
  {
    country,
    calendars,
    now,
    dryRun,
    reason,
  }: {
    country: string;
    calendars: readonly HolidayCalendar[];
    now: Date;
    dryRun: boolean;
    /** Why, for the history row and the audit entry: e.g. "holiday 2026-06-26 added (GN 2026 revision 2)". */
    reason: string;
  },
): Promise<RetimeReport> {
  const definitions = new Map<number, Pathway>();
  for (const v of await storage.listPathwayVersions(country))
    definitions.set(v.version, withCalendars(Pathway.parse(v.definition), calendars));
  const at = now.toISOString();
  const planned: {
    c: CaseWithOpenTasks;
    moves: { task: CaseWithOpenTasks["tasks"][number]; due: string; escalation: ScheduledEscalation[] }[];
  }[] = [];
  for (const c of await storage.tasks.openTasksOf(country)) {
    const pathway = definitions.get(c.pathwayVersion);
    if (!pathway) continue;
    const moved = retimeOpenTasks(
      pathway,
      c.snapshot,
      c.tasks.map((t) => ({ key: t.key, state: t.state, due: t.dueAt })),
    );
    if (moved.length === 0) continue;
    planned.push({
      c,
      moves: moved.map((m) => ({
        task: c.tasks.find((t) => t.key === m.key)!,
        due: new Date(m.task.due).toISOString(),
        escalation: m.task.escalation,
      })),
    });
  }
  const report: RetimeReport = {
    cases: planned.map((p) => ({
      caseId: p.c.caseId,
      pathway: `${country}@${p.c.pathwayVersion}`,
      tasks: p.moves.map((m) => ({ key: m.task.key, from: m.task.dueAt, to: m.due })),
    })),
    tasks: planned.reduce((n, p) => n + p.moves.length, 0),
  };
  if (dryRun || planned.length === 0) return report;

  await storage.transaction(async (tx) => {
    for (const p of planned) {
      const revision = p.c.revision + 1;
      const entry = await appendAudit(
        tx.audit,
        {
          ...CLI_ACTOR,
          action: "calendar.retime",
          targetType: "case",
          targetId: p.c.caseId,
          outcome: "allowed",
          reason,
          details: { revision, tasks: p.moves.length, pathway: `${country}@${p.c.pathwayVersion}` },
        },
        { at },
      );
      const done = await tx.tasks.retime({
        caseId: p.c.caseId,
        expectedRevision: p.c.revision,
        at,
        pathwayVersion: p.c.pathwayVersion,
        state: p.c.state,
        moves: p.moves.map((m) => {
          // Rungs already sent stay sent: the next one keeps its place in the ladder, at its new time.
          const next = m.escalation.find((rung) => m.task.nextStep !== null && rung.step >= m.task.nextStep);
          return {
            taskId: m.task.id,
            dueAt: m.due,
            escalation: m.escalation,
            nextStep: next ? next.step : null,
            nextAt: next ? next.at : null,
          };
        }),
        history: {
          eventType: CALENDAR_RETIMED,
          data: { reason, tasks: p.moves.map((m) => ({ key: m.task.key, from: m.task.dueAt, to: m.due })) },
          actor: "committee",
        },
        auditSeq: entry.seq,
      });
      // Another writer moved the case meanwhile: the whole step is refused, nothing is kept.
      if (!done) throw new Error(`case ${p.c.caseId} changed during the re-timing; run it again`);
    }
  });
  return report;
}
