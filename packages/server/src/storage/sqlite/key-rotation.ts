/**
 * Re-seal every personal value under the active key (and seal values still stored in the clear).
 * Runs in one transaction: either every record moves to the new key or none does. After it, no
 * record needs an older key; `keysInUse` proves it before old keys are pruned.
 */

import type Database from "better-sqlite3";
import { sealedKeyId } from "../../crypto/cipher.ts";
import type { Keyring } from "../../crypto/keyring.ts";
import { isSealed, SealingCodec } from "../../crypto/personal-data-codec.ts";
import type { RotationReport } from "../case-store.ts";
import { SEALED_COLUMNS } from "../sealed-columns.ts";
import { caseSalts } from "./case-keys.ts";

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
