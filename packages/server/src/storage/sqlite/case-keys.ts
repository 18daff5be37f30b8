/**
 * Where the per-case salts live (`case_keys`), for the codec of one connection. Looked up per value
 * sealed or opened (one indexed read), or read with the case itself (`statements.ts`), rather than
 * cached: a salt kept in memory after its case was erased would be the one thing erasure must leave
 * nowhere.
 */
import { randomBytes } from "node:crypto";
import type Database from "better-sqlite3";
import type { CaseSalts } from "../../crypto/case-salts.ts";

export function caseSalts(sqlite: Database.Database): CaseSalts {
  const get = sqlite.prepare("SELECT salt FROM case_keys WHERE case_id = ?").pluck();
  return { of: (caseId) => get.get(caseId) as Buffer | undefined };
}

/** Statements that create a case's salt (with the case) and destroy it (at erasure). */
export function caseKeyWrites(sqlite: Database.Database) {
  const insert = sqlite.prepare("INSERT INTO case_keys (case_id, salt) VALUES (?, ?)");
  const remove = sqlite.prepare("DELETE FROM case_keys WHERE case_id = ?");
  return {
    create: (caseId: string) => void insert.run(caseId, randomBytes(32)),
    destroy: (caseId: string) => remove.run(caseId).changes,
  };
}
