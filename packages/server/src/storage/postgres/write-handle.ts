/**
 * Repositories on the pool read only, as the SQLite store's reader connection does: a write outside
 * `transaction` would commit on its own, apart from the audit entry and the other writes it belongs
 * with. This is the guard; a refused write is a bug in the caller, not a request's failure.
 */
import type { PgDb, PgTx } from "./open.ts";

/** The transaction to write in; throws when the repository is bound to the pool. */
export function writeHandle(db: PgDb | PgTx, inTransaction: boolean, area: string): PgTx {
  if (!inTransaction) throw new Error(`${area} are written inside a write transaction`);
  return db as PgTx;
}
