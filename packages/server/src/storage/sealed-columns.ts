/**
 * Every column that holds sealed personal data, with how each row's AAD is built: what a key
 * rotation re-seals and what `keysInUse` reads, on either database (same tables, same columns).
 */
import { aad } from "../crypto/personal-data-codec.ts";

export interface SealedColumn {
  table: string;
  column: string;
  /** Columns that identify the row and build its AAD. */
  key: string[];
  aad: (row: Record<string, unknown>) => string;
  /** Plain values are raw text (task notes), not JSON. */
  rawText?: boolean;
}

/** Every column that holds sealed personal data. */
export const SEALED_COLUMNS: SealedColumn[] = [
  { table: "case_personal", column: "person", key: ["case_id"], aad: (r) => aad.person(r.case_id as string) },
  {
    table: "case_personal",
    column: "identification",
    key: ["case_id"],
    aad: (r) => aad.identification(r.case_id as string),
  },
  {
    table: "case_history",
    column: "personal_data",
    key: ["case_id", "seq"],
    aad: (r) => aad.history(r.case_id as string, r.seq as number),
  },
  {
    table: "consents",
    column: "guardian",
    key: ["id", "case_id", "at", "scope"],
    aad: (r) => aad.consentGuardian(r.case_id as string, r.at as string, r.scope as string),
  },
  {
    table: "consents",
    column: "purpose",
    key: ["id", "case_id", "at", "scope"],
    aad: (r) => aad.consentPurpose(r.case_id as string, r.at as string, r.scope as string),
    rawText: true,
  },
  {
    table: "task_actions",
    column: "reason",
    key: ["task_id", "case_id", "action", "at"],
    aad: (r) =>
      aad.taskActionReason(r.case_id as string, r.task_id as string, r.action as string, r.at as string),
    rawText: true,
  },
  {
    table: "tasks",
    column: "note",
    key: ["id", "case_id"],
    aad: (r) => aad.taskNote(r.case_id as string, r.id as string),
    rawText: true,
  },
];
