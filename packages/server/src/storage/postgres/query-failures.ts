/**
 * What a failed PostgreSQL query means for the request, and what of it may be logged.
 *
 * Connection failures (the server restarting, a network cut, the pool exhausted) are the store
 * being unavailable: the request may be retried (503 with a retry hint), and the transaction did
 * not commit. Anything else is the query's own failure.
 *
 * drizzle wraps driver errors in `DrizzleQueryError`, whose message carries the query's
 * parameters — sealed personal values, logins — and node-postgres puts the offending values of a
 * constraint violation in `detail`. Neither may reach a log: `safeSummary` keeps the SQLSTATE and
 * the server's message (which names constraints and tables, not values).
 */

import { DrizzleQueryError } from "drizzle-orm/errors";
import pg from "pg";
import { StoreUnavailable } from "../storage-errors.ts";

/** SQLSTATEs of a lost or refused connection: class 08, and shutdown or overload of the server. */
const UNAVAILABLE_STATES = new Set(["57P01", "57P02", "57P03", "53300"]);
const UNAVAILABLE_ERRNOS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENOTFOUND",
]);
/**
 * The server gave up waiting, not the query being wrong: a statement cancelled by its timeout
 * (57014; a write waiting behind a long transaction that holds the audit chain's lock, such as a
 * key rotation) or a lock not available. Retrying later is the right answer (503), as for a lost
 * connection; unlike one, the transaction is known not to have committed.
 */
const BUSY_STATES = new Set(["57014", "55P03"]);

/** Whether the database was too busy to serve the query in time. */
export function isBusy(error: unknown): boolean {
  const code = (driverError(error) as { code?: unknown } | null)?.code;
  return typeof code === "string" && BUSY_STATES.has(code);
}

/** node-postgres reports these without a code. */
const UNAVAILABLE_MESSAGES = [
  "Connection terminated",
  "timeout exceeded when trying to connect",
  "Client has encountered a connection error",
];

/** The driver's error under drizzle's wrapper. */
export function driverError(error: unknown): unknown {
  let current = error;
  while (current instanceof DrizzleQueryError && current.cause !== undefined) current = current.cause;
  return current;
}

export function isConnectionFailure(error: unknown): boolean {
  const e = driverError(error) as { code?: unknown; message?: unknown } | null;
  const code = typeof e?.code === "string" ? e.code : "";
  const message = typeof e?.message === "string" ? e.message : "";
  return (
    code.startsWith("08") ||
    UNAVAILABLE_STATES.has(code) ||
    UNAVAILABLE_ERRNOS.has(code) ||
    UNAVAILABLE_MESSAGES.some((m) => message.includes(m))
  );
}

/** SQLSTATE (or errno) and the server's message, without parameters or `detail`: safe to log. */
export function safeSummary(error: unknown): { code: string | null; message: string } {
  const e = driverError(error) as { code?: unknown; message?: unknown } | null;
  return {
    code: typeof e?.code === "string" ? e.code : null,
    message: typeof e?.message === "string" ? e.message : String(e),
  };
}

/**
 * A query failed for a reason of its own (a constraint, a bug): what reaches the server's log in
 * place of the driver's error, which could carry the query's parameters. The request answers 500.
 */
export class QueryFailed extends Error {
  override readonly name = "QueryFailed";
  /** The SQLSTATE (or errno), when the driver gave one. */
  readonly sqlState: string | null;
  constructor(summary: { code: string | null; message: string }) {
    // A data exception (class 22) quotes the value it refused (`invalid input syntax for type
    // integer: "…"`): that value is a parameter, so its quotes are emptied.
    const message = summary.code?.startsWith("22")
      ? summary.message.replace(/"[^"]*"/g, '"…"')
      : summary.message;
    super(`a database query failed (${summary.code ?? "no SQLSTATE"}): ${message}`);
    this.sqlState = summary.code;
  }
}

/**
 * What a failure of the PostgreSQL store is for the rest of the server: `StoreUnavailable` (503, may
 * be retried) when the database could not be reached, `QueryFailed` for any other driver error;
 * either carries only `safeSummary` of the driver's error. Other errors (thrown by a transaction's
 * own work) pass through unchanged.
 */
export function storeFailure(error: unknown): unknown {
  if (error instanceof StoreUnavailable || error instanceof QueryFailed) return error;
  if (isConnectionFailure(error) || isBusy(error)) return new StoreUnavailable(safeSummary(error));
  const driver = driverError(error);
  if (error instanceof DrizzleQueryError || driver instanceof pg.DatabaseError)
    return new QueryFailed(safeSummary(error));
  return error;
}
