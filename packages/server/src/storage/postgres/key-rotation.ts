/**
 * Key rotation on PostgreSQL, as in SQLite (`../sqlite/key-rotation.ts`): every sealed value moves
 * to the active key in one transaction, or none does. Rows are locked as they are read (`FOR
 * UPDATE`), so that no write lands between a value's read and its re-sealed update, and each is
 * updated by its `ctid` (stable while the row is locked and not yet updated).
 */
import { type SQL, sql } from "drizzle-orm";
import { sealedKeyId } from "../../crypto/cipher.ts";
import type { Keyring } from "../../crypto/keyring.ts";
import { isSealed, SealingCodec } from "../../crypto/personal-data-codec.ts";
import type { RotationReport } from "../case-store.ts";
import { SEALED_COLUMNS } from "../sealed-columns.ts";
import type { PgDb, PgTx } from "./open.ts";

async function rows(db: PgDb | PgTx, query: SQL): Promise<Record<string, unknown>[]> {
  return (await db.execute(query)).rows as Record<string, unknown>[];
}

/** Re-seals every sealed value under `keyring`'s active key, in `tx`. */
export async function rotateRecords(tx: PgTx, keyring: Keyring): Promise<RotationReport> {
  // The salts of every case, read once: the codec asks for them synchronously, value by value. They
  // are held only for this call.
  const salts = new Map<string, Buffer>();
  for (const row of await rows(tx, sql`SELECT case_id, salt FROM case_keys`))
    salts.set(row.case_id as string, row.salt as Buffer);
  const codec = new SealingCodec(keyring, { of: (caseId) => salts.get(caseId) });
  const report: RotationReport = { resealed: {}, current: 0 };
  for (const col of SEALED_COLUMNS) {
    const table = sql.identifier(col.table);
    const column = sql.identifier(col.column);
    const keys = sql.join(
      col.key.map((k) => sql.identifier(k)),
      sql`, `,
    );
    const found = await rows(
      tx,
      sql`SELECT ctid::text AS _ctid, ${keys}, ${column} AS value FROM ${table} WHERE ${column} IS NOT NULL FOR UPDATE`,
    );
    let count = 0;
    for (const row of found) {
      const text = row.value as string;
      if (isSealed(text) && sealedKeyId(text) === keyring.active.id) {
        report.current += 1;
        continue;
      }
      const where = col.aad(row);
      const value = isSealed(text) ? codec.decode(where, text) : col.rawText ? text : JSON.parse(text);
      await tx.execute(
        sql`UPDATE ${table} SET ${column} = ${codec.encode(where, value)} WHERE ctid = ${row._ctid as string}::tid`,
      );
      count += 1;
    }
    report.resealed[`${col.table}.${col.column}`] = count;
  }
  return report;
}

/** Key ids that some stored value still needs (and how many values are still unsealed). */
export async function keysInUse(db: PgDb): Promise<{ keyIds: Set<string>; plain: number }> {
  const keyIds = new Set<string>();
  let plain = 0;
  for (const col of SEALED_COLUMNS) {
    const column = sql.identifier(col.column);
    const found = await rows(
      db,
      sql`SELECT ${column} AS value FROM ${sql.identifier(col.table)} WHERE ${column} IS NOT NULL`,
    );
    for (const { value } of found) {
      const text = value as string;
      if (isSealed(text)) keyIds.add(sealedKeyId(text));
      else if (!(col.table === "case_personal" && text === "{}")) plain += 1;
    }
  }
  return { keyIds, plain };
}
