/** Decoding of SQLite rows (snake_case columns, JSON text) into store records. */

import { aad, decodeText, type PersonalDataCodec } from "../../crypto/personal-data-codec.ts";
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

export function toCase(r: Row, codec: PersonalDataCodec): CaseRecord {
  const record = { ...toCaseSummary(r), snapshot: JSON.parse(str(r.snapshot)) } as CaseRecord;
  // Personal data is opened only when something reads it (issue 5): most reads of a case (lists,
  // the case view, the audit) never need the person, and each open is an AES-GCM decryption.
  lazy(record, "person", () => codec.decode(aad.person(record.id), str(r.person)));
  lazy(record, "identification", () => codec.decode(aad.identification(record.id), str(r.identification)));
  return record;
}

/** Defines `key` as computed on first read, then kept (enumerable, so spreads and JSON see it). */
function lazy<T extends object, K extends keyof T>(target: T, key: K, compute: () => T[K]): void {
  Object.defineProperty(target, key, {
    enumerable: true,
    configurable: true,
    get() {
      const value = compute();
      Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
      return value;
    },
  });
}

export function toTask(r: Row, codec?: PersonalDataCodec): TaskRecord {
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
    note:
      r.note === null || r.note === undefined
        ? null
        : decodeText(codec, aad.taskNote(str(r.id)), str(r.note)),
  };
}

export function toHistory(r: Row, codec: PersonalDataCodec): HistoryRecord {
  return {
    seq: r.seq as number,
    eventType: str(r.event_type),
    // Sealed personal fields are merged back; after erasure (retention) they are simply absent.
    data: {
      ...JSON.parse(str(r.data)),
      ...(r.personal_data === null || r.personal_data === undefined
        ? {}
        : codec.decode<Record<string, never>>(
            aad.history(str(r.case_id), r.seq as number),
            str(r.personal_data),
          )),
    },
    personalFields: JSON.parse(str(r.personal_fields)),
    fromState: optStr(r.from_state),
    toState: str(r.to_state),
    actor: str(r.actor),
    at: str(r.at),
    pathwayVersion: r.pathway_version as number,
  };
}

export function toConsent(r: Row, codec: PersonalDataCodec): ConsentRow {
  return {
    scope: r.scope as ConsentRow["scope"],
    given: r.given === 1,
    method: str(r.method),
    ...(r.interpreter_used === null ? {} : { interpreterUsed: r.interpreter_used === 1 }),
    at: str(r.at),
    actor: str(r.actor),
    ...(r.guardian === null || r.guardian === undefined
      ? {}
      : {
          guardian: codec.decode<NonNullable<ConsentRow["guardian"]>>(
            aad.consentGuardian(str(r.case_id), str(r.at), str(r.scope)),
            str(r.guardian),
          ),
        }),
    ...(r.purpose === null || r.purpose === undefined ? {} : { purpose: str(r.purpose) }),
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
