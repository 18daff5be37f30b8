/**
 * Failures of the store itself (not of a request), whichever database runs: the errors plugin
 * answers them 503 with their own codes, so that a client knows to retry and an operator knows where
 * to look.
 */

/** A failed sync: what was committed since the last good sync may be lost, so nothing is acknowledged. */
export class StoreSyncFailed extends Error {
  override readonly name = "StoreSyncFailed";
  constructor(cause: unknown) {
    super("syncing the database log to disk failed; the store accepts no write until restarted", { cause });
  }
}

/**
 * The database cannot serve now (restarting, a network cut, every connection busy, a statement
 * timed out waiting): the request may be retried shortly. Its transaction did not commit — unless
 * the connection was lost during COMMIT itself, when nobody can tell: a retry of an event with the
 * same revision then answers 409 if it had.
 */
export class StoreUnavailable extends Error {
  override readonly name = "StoreUnavailable";
  /**
   * What the driver said (an SQLSTATE or errno, and the server's message): safe to log. Never the
   * driver's error itself, which may carry the query's parameters.
   */
  readonly reason: string;
  constructor(summary: { code: string | null; message: string }) {
    super("the database cannot serve now; retry shortly");
    this.reason = `${summary.code ?? "no code"}: ${summary.message}`;
  }
}
