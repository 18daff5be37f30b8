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

/** The columns of a case summary, in the order `summaryOfValues` reads them. */
export const SUMMARY_COLUMNS = [
  "id",
  "country",
  "pathway_version",
  "stage",
  "state",
  "revision",
  "assignee",
  "agency",
  "next_due_at",
  "created_at",
  "updated_at",
  "outcome",
] as const;

/** A summary row as a raw statement answers it: the values of `SUMMARY_COLUMNS`, in order. */
export type SummaryValues = unknown[];

/** A case summary from a raw row (lists read rows as arrays: no object per row from the driver). */
export function summaryOfValues(v: SummaryValues): CaseSummaryRecord {
  return {
    id: str(v[0]),
    country: str(v[1]),
    pathwayVersion: v[2] as number,
    stage: str(v[3]),
    state: str(v[4]),
    revision: v[5] as number,
    assignee: optStr(v[6]),
    agency: optStr(v[7]),
    nextDueAt: optStr(v[8]),
    createdAt: str(v[9]),
    updatedAt: str(v[10]),
    outcome: optStr(v[11]),
  };
}

export function toCaseSummary(r: Row): CaseSummaryRecord {
  return summaryOfValues(SUMMARY_COLUMNS.map((column) => r[column]));
}

/** A case's personal values as stored: sealed text (or plain JSON with protections off). */
export interface SealedValues {
  person: string;
  identification: string;
}

type CaseFields = Omit<CaseRecord, "person" | "identification">;

/**
 * A case as read from the store. Its personal values, sealed at rest, are opened on first read only:
 * most uses of a case (the case view, the audit, deciding most events) never need the person, and
 * each open is an AES-GCM decryption. They are accessors of the class, not own properties, so a
 * spread, `JSON.stringify` or a structured clone of the record leaves them out.
 */
class StoredCase implements CaseRecord {
  id!: string;
  country!: string;
  pathwayVersion!: number;
  stage!: string;
  state!: string;
  snapshot!: CaseRecord["snapshot"];
  revision!: number;
  assignee!: string | null;
  agency!: string | null;
  nextDueAt!: string | null;
  createdAt!: string;
  updatedAt!: string;
  outcome!: string | null;
  readonly #sealed: SealedValues;
  readonly #codec: PersonalDataCodec;
  #person: CaseRecord["person"] | undefined;
  #identification: CaseRecord["identification"] | undefined;

  constructor(fields: CaseFields, sealed: SealedValues, codec: PersonalDataCodec) {
    this.id = fields.id;
    this.country = fields.country;
    this.pathwayVersion = fields.pathwayVersion;
    this.stage = fields.stage;
    this.state = fields.state;
    this.snapshot = fields.snapshot;
    this.revision = fields.revision;
    this.assignee = fields.assignee;
    this.agency = fields.agency;
    this.nextDueAt = fields.nextDueAt;
    this.createdAt = fields.createdAt;
    this.updatedAt = fields.updatedAt;
    this.outcome = fields.outcome;
    this.#sealed = sealed;
    this.#codec = codec;
  }

  get person(): CaseRecord["person"] {
    const person =
      this.#person ?? this.#codec.decode<CaseRecord["person"]>(aad.person(this.id), this.#sealed.person);
    this.#person = person;
    return person;
  }

  get identification(): CaseRecord["identification"] {
    const identification =
      this.#identification ??
      this.#codec.decode<CaseRecord["identification"]>(
        aad.identification(this.id),
        this.#sealed.identification,
      );
    this.#identification = identification;
    return identification;
  }

  /** The fields without the personal values. */
  fields(): CaseFields {
    return {
      id: this.id,
      country: this.country,
      pathwayVersion: this.pathwayVersion,
      stage: this.stage,
      state: this.state,
      snapshot: this.snapshot,
      revision: this.revision,
      assignee: this.assignee,
      agency: this.agency,
      nextDueAt: this.nextDueAt,
      createdAt: this.createdAt,
      updatedAt: this.updatedAt,
      outcome: this.outcome,
    };
  }

  changed(changes: Partial<CaseFields>): StoredCase {
    const next = new StoredCase({ ...this.fields(), ...changes }, this.#sealed, this.#codec);
    next.#person = this.#person;
    next.#identification = this.#identification;
    return next;
  }
}

/** The values a case read starts with, in the order `caseOfValues` reads them: a summary's, then these. */
export const CASE_VALUE_COLUMNS = [...SUMMARY_COLUMNS, "snapshot", "person", "identification"] as const;

/** A case from a raw row beginning with the values of `CASE_VALUE_COLUMNS`. */
export function caseOfValues(v: unknown[], codec: PersonalDataCodec): CaseRecord {
  const at = SUMMARY_COLUMNS.length;
  return new StoredCase(
    { ...summaryOfValues(v), snapshot: JSON.parse(str(v[at])) },
    { person: str(v[at + 1]), identification: str(v[at + 2]) },
    codec,
  );
}

/** A case from a row object holding the columns of `CASE_VALUE_COLUMNS`. */
export function toCase(r: Row, codec: PersonalDataCodec): CaseRecord {
  return caseOfValues(
    CASE_VALUE_COLUMNS.map((column) => r[column]),
    codec,
  );
}

/** A copy of a case record with some fields changed; a stored case keeps its unopened personal values. */
export function changedCase(record: CaseRecord, changes: Partial<CaseFields>): CaseRecord {
  return record instanceof StoredCase ? record.changed(changes) : { ...record, ...changes };
}

/** The columns of a task, in the order `taskOfValues` reads them (`note` only for whether there is one). */
export const TASK_COLUMNS = [
  "id",
  "case_id",
  "key",
  "task_id",
  "kind",
  "state",
  "status",
  "due_at",
  "assignee",
  "escalation",
  "label",
  "occurrence",
  "created_at",
  "completed_at",
  "note",
] as const;

/** A task from the values of `TASK_COLUMNS`, in order (a case read carries its tasks so). */
export function taskOfValues(v: unknown[]): TaskRecord {
  return {
    id: str(v[0]),
    caseId: str(v[1]),
    key: str(v[2]),
    taskId: str(v[3]),
    kind: str(v[4]),
    state: str(v[5]),
    status: v[6] as TaskRecord["status"],
    dueAt: str(v[7]),
    assignee: JSON.parse(str(v[8])),
    escalation: JSON.parse(str(v[9])),
    label: JSON.parse(str(v[10])),
    occurrence: v[11] as number,
    createdAt: str(v[12]),
    completedAt: optStr(v[13]),
    // Never opened here: a note is free text, shown only by the audited person read.
    hasNote: v[14] !== null && v[14] !== undefined,
  };
}

export function toTask(r: Row): TaskRecord {
  return taskOfValues(TASK_COLUMNS.map((column) => r[column]));
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
    ...(r.purpose === null || r.purpose === undefined
      ? {}
      : {
          purpose:
            decodeText(codec, aad.consentPurpose(str(r.case_id), str(r.at), str(r.scope)), str(r.purpose)) ??
            "",
        }),
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
