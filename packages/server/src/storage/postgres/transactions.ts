/**
 * Running a write transaction on PostgreSQL. At READ COMMITTED two transactions can still deadlock
 * (each holding a row the other waits for — say an event's case row and a referral's grant rows
 * taken in the other order), and PostgreSQL then aborts one of them (40P01). That transaction did
 * nothing: running it again is safe and is what the caller would do. Anything else, including a
 * lost connection (where the commit's fate may be unknown), is the caller's to handle.
 */
import type { PgDb, PgTx } from "./open.ts";
import { driverError } from "./query-failures.ts";

/** deadlock_detected, serialization_failure: the transaction was rolled back whole. */
const RETRYABLE = new Set(["40P01", "40001"]);

export function isRetryable(error: unknown): boolean {
  const code = (driverError(error) as { code?: unknown } | null)?.code;
  return typeof code === "string" && RETRYABLE.has(code);
}

/** Runs `work` in a transaction, again (up to `attempts` in all) when PostgreSQL aborted it as above. */
export async function inTransaction<T>(db: PgDb, work: (tx: PgTx) => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await db.transaction(work);
    } catch (error) {
      if (attempt >= attempts || !isRetryable(error)) throw error;
      // A short, jittered pause: the transaction that won is finishing.
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20 * attempt));
    }
  }
}
