/**
 * Re-seal every personal value under the active key (and seal values still stored in the clear).
 * Runs in one transaction: either every record moves to the new key or none does. After it, no
 * record needs an older key; `keysInUse` proves it before old keys are pruned.
 */

import type Database from "better-sqlite3";
import { sealedKeyId } from "../../crypto/cipher.ts";
import type { Keyring } from "../../crypto/keyring.ts";
import { aad, isSealed, SealingCodec } from "../../crypto/personal-data-codec.ts";
import type { RotationReport } from "../case-store.ts";
import { caseSalts } from "./case-keys.ts";

interface SealedColumn {
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

export type { RotationReport } from "../case-store.ts";

export function rotateRecords(sqlite: Database.Database, keyring: Keyring): RotationReport {
  const codec = new SealingCodec(keyring, caseSalts(sqlite));
  const report: RotationReport = { resealed: {}, current: 0 };
  sqlite
    .transaction(() => {
      for (const col of SEALED_COLUMNS) {
        const select = sqlite.prepare(
          `SELECT rowid AS _rowid, ${col.key.join(", ")}, ${col.column} AS value FROM ${col.table} WHERE ${col.column} IS NOT NULL`,
        );
        const update = sqlite.prepare(`UPDATE ${col.table} SET ${col.column} = ? WHERE rowid = ?`);
        let count = 0;
        // `all()`, not `iterate()`: the same connection updates rows while walking them.
        for (const row of select.all() as Record<string, unknown>[]) {
          const text = row.value as string;
          if (isSealed(text) && sealedKeyId(text) === keyring.active.id) {
            report.current += 1;
            continue;
          }
          const where = col.aad(row);
          const value = isSealed(text) ? codec.decode(where, text) : col.rawText ? text : JSON.parse(text);
          update.run(codec.encode(where, value), row._rowid);
          count += 1;
        }
        report.resealed[`${col.table}.${col.column}`] = count;
      }
    })
    .immediate();
  return report;
}

/** Key ids that some stored value still needs (and whether any value is still unsealed). */
export function keysInUse(sqlite: Database.Database): { keyIds: Set<string>; plain: number } {
  const keyIds = new Set<string>();
  let plain = 0;
  for (const col of SEALED_COLUMNS) {
    const rows = sqlite
      .prepare(`SELECT ${col.column} AS value FROM ${col.table} WHERE ${col.column} IS NOT NULL`)
      .pluck();
    for (const text of rows.iterate() as Iterable<string>) {
      if (isSealed(text)) keyIds.add(sealedKeyId(text));
      else if (!(col.table === "case_personal" && text === "{}")) plain += 1;
    }
  }
  return { keyIds, plain };
}
