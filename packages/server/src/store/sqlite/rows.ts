/** Decoding of SQLite rows (snake_case columns, JSON text) into store records. */
import type {
  CaseRecord,
  CaseSummaryRecord,
  ConsentRow,
  HistoryRecord,
  PathwayVersionRecord,
  TaskRecord,
} from "../records.ts";

type Row = Record<string, unknown>;

const str = (v: unknown) => v as string;
const optStr = (v: unknown) => (v === null || v === undefined ? null : (v as string));

export function toCaseSummary(r: Row): CaseSummaryRecord {
  return {
    id: str(r.id),
    country: str(r.country),
    pathwayVersion: r.pathway_version as number,
    stage: str(r.stage),
    state: str(r.state),
    revision: r.revision as number,
    assignee: optStr(r.assignee),
    agency: optStr(r.agency),
    nextDueAt: optStr(r.next_due_at),
    createdAt: str(r.created_at),
    updatedAt: str(r.updated_at),
    outcome: optStr(r.outcome),
  };
}

export function toCase(r: Row): CaseRecord {
  return {
    ...toCaseSummary(r),
    snapshot: JSON.parse(str(r.snapshot)),
    person: JSON.parse(str(r.person)),
    identification: JSON.parse(str(r.identification)),
  };
}

export function toTask(r: Row): TaskRecord {
  return {
    id: str(r.id),
    caseId: str(r.case_id),
    key: str(r.key),
    taskId: str(r.task_id),
    kind: str(r.kind),
    state: str(r.state),
    status: r.status as TaskRecord["status"],
    dueAt: str(r.due_at),
    assignee: JSON.parse(str(r.assignee)),
    escalation: JSON.parse(str(r.escalation)),
    label: JSON.parse(str(r.label)),
    occurrence: r.occurrence as number,
    createdAt: str(r.created_at),
    completedAt: optStr(r.completed_at),
    note: optStr(r.note),
  };
}

export function toHistory(r: Row): HistoryRecord {
  return {
    seq: r.seq as number,
    eventType: str(r.event_type),
    data: JSON.parse(str(r.data)),
    personalFields: JSON.parse(str(r.personal_fields)),
    fromState: optStr(r.from_state),
    toState: str(r.to_state),
    actor: str(r.actor),
    at: str(r.at),
    pathwayVersion: r.pathway_version as number,
  };
}

export function toConsent(r: Row): ConsentRow {
  return {
    scope: r.scope as ConsentRow["scope"],
    given: r.given === 1,
    method: str(r.method),
    ...(r.interpreter_used === null ? {} : { interpreterUsed: r.interpreter_used === 1 }),
    at: str(r.at),
    actor: str(r.actor),
  };
}

export function toPathwayVersion(r: Row): PathwayVersionRecord {
  return {
    country: str(r.country),
    version: r.version as number,
    status: r.status as PathwayVersionRecord["status"],
    hash: str(r.hash),
    definition: JSON.parse(str(r.definition)),
    publishedAt: optStr(r.published_at),
  };
}
