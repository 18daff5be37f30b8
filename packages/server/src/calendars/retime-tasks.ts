/**
 * After a calendar change: every open task of the country whose due time the new calendars move is
 * re-timed — due time, escalation ladder and the delivery of its next rung — in one transaction,
 * each case with a history row (`CALENDAR_RETIMED`, its revision raised) and an audit entry. Tasks
 * nothing moves are left alone; running it again changes nothing.
 */
import { type HolidayCalendar, Pathway } from "@passerelle/definitions";
import { type CaseSnapshot, retimeOpenTasks, withCalendars } from "@passerelle/engine";
import type Database from "better-sqlite3";
import { AuditLog } from "../audit/audit-log.ts";
import { CLI_ACTOR } from "../audit/cli-actor.ts";

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

interface OpenTaskRow {
  id: string;
  key: string;
  state: string;
  due_at: string;
  next_step: number | null;
}

export function retimeForCalendars(
  sqlite: Database.Database,
  {
    country,
    calendars,
    now,
    dryRun,
    reason,
    auditKey,
  }: {
    country: string;
    calendars: readonly HolidayCalendar[];
    now: Date;
    dryRun: boolean;
    /** Why, for the history row and the audit entry: e.g. "holiday 2026-06-26 added (GN 2026 revision 2)". */
    reason: string;
    /** The audit chain's key (the keyring's): the entries link like every other. */
    auditKey?: Buffer;
  },
): RetimeReport {
  const definitions = new Map<number, Pathway>();
  for (const row of sqlite
    .prepare("SELECT version, definition FROM pathway_versions WHERE country = ?")
    .all(country) as { version: number; definition: string }[])
    definitions.set(row.version, withCalendars(Pathway.parse(JSON.parse(row.definition)), calendars));
  const s = {
    cases: sqlite.prepare(
      "SELECT id, pathway_version, revision, state, snapshot FROM cases WHERE country = ? AND stage <> 'closed' AND next_due_at IS NOT NULL ORDER BY id",
    ),
    openTasks: sqlite.prepare(
      "SELECT id, key, state, due_at, next_step FROM tasks WHERE case_id = ? AND status = 'open' ORDER BY id",
    ),
    task: sqlite.prepare(
      "UPDATE tasks SET due_at = @due_at, escalation = @escalation, next_step = @next_step, next_at = @next_at, next_queued_at = NULL WHERE id = @id AND status = 'open'",
    ),
    swap: sqlite.prepare(
      "UPDATE cases SET revision = @revision, updated_at = @at WHERE id = @id AND revision = @expected",
    ),
    history: sqlite.prepare(
      `INSERT INTO case_history (case_id, seq, event_type, data, personal_fields, personal_data, from_state, to_state, actor, at, pathway_version, audit_seq)
       VALUES (@case_id, @seq, @event_type, @data, '[]', NULL, @state, @state, @actor, @at, @pathway_version, @audit_seq)`,
    ),
    nextDue: sqlite.prepare(
      "UPDATE cases SET next_due_at = (SELECT min(due_at) FROM tasks WHERE case_id = cases.id AND status = 'open') WHERE id = ?",
    ),
  };
  const at = now.toISOString();
  const planned: {
    caseId: string;
    version: number;
    revision: number;
    state: string;
    moves: { row: OpenTaskRow; due: string; escalation: { step: number; at: string }[] }[];
  }[] = [];
  for (const c of s.cases.all(country) as {
    id: string;
    pathway_version: number;
    revision: number;
    state: string;
    snapshot: string;
  }[]) {
    const pathway = definitions.get(c.pathway_version);
    if (!pathway) continue;
    const rows = s.openTasks.all(c.id) as OpenTaskRow[];
    const moved = retimeOpenTasks(
      pathway,
      JSON.parse(c.snapshot) as CaseSnapshot,
      rows.map((r) => ({ key: r.key, state: r.state, due: r.due_at })),
    );
    if (moved.length === 0) continue;
    planned.push({
      caseId: c.id,
      version: c.pathway_version,
      revision: c.revision,
      state: c.state,
      moves: moved.map((m) => ({
        row: rows.find((r) => r.key === m.key)!,
        due: new Date(m.task.due).toISOString(),
        escalation: m.task.escalation,
      })),
    });
  }
  const report: RetimeReport = {
    cases: planned.map((p) => ({
      caseId: p.caseId,
      pathway: `${country}@${p.version}`,
      tasks: p.moves.map((m) => ({ key: m.row.key, from: m.row.due_at, to: m.due })),
    })),
    tasks: planned.reduce((n, p) => n + p.moves.length, 0),
  };
  if (dryRun || planned.length === 0) return report;

  const audit = new AuditLog(sqlite, auditKey);
  sqlite
    .transaction(() => {
      for (const p of planned) {
        for (const m of p.moves) {
          // Rungs already sent stay sent: the next one keeps its place in the ladder, at its new time.
          const next = m.escalation.find((rung) => m.row.next_step !== null && rung.step >= m.row.next_step);
          s.task.run({
            id: m.row.id,
            due_at: m.due,
            escalation: JSON.stringify(m.escalation),
            next_step: next ? next.step : null,
            next_at: next ? next.at : null,
          });
        }
        const revision = p.revision + 1;
        // Another writer moved the case meanwhile: the whole step is refused, nothing is kept.
        if (s.swap.run({ id: p.caseId, revision, expected: p.revision, at }).changes !== 1)
          throw new Error(`case ${p.caseId} changed during the re-timing; run it again`);
        const entry = audit.appendInTransaction(
          {
            ...CLI_ACTOR,
            action: "calendar.retime",
            targetType: "case",
            targetId: p.caseId,
            outcome: "allowed",
            reason,
            details: { revision, tasks: p.moves.length, pathway: `${country}@${p.version}` },
          },
          { at },
        );
        s.history.run({
          case_id: p.caseId,
          seq: revision,
          event_type: CALENDAR_RETIMED,
          data: JSON.stringify({
            reason,
            tasks: p.moves.map((m) => ({ key: m.row.key, from: m.row.due_at, to: m.due })),
          }),
          state: p.state,
          actor: "committee",
          at,
          pathway_version: p.version,
          audit_seq: entry.seq,
        });
        s.nextDue.run(p.caseId);
      }
    })
    .immediate();
  return report;
}
