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
 * The database cannot be reached (restarting, a network cut, every connection busy): the
 * transaction did not commit, and the request may be retried shortly.
 */
export class StoreUnavailable extends Error {
  override readonly name = "StoreUnavailable";
  /**
   * What the driver said (an SQLSTATE or errno, and the server's message): safe to log. Never the
   * driver's error itself, which may carry the query's parameters.
   */
  readonly reason: string;
  constructor(summary: { code: string | null; message: string }) {
    super("the database cannot be reached; nothing was written");
    this.reason = `${summary.code ?? "no code"}: ${summary.message}`;
  }
}
