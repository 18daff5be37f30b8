/**
 * The connection a batch of the group commit runs on (`group-commit.ts`), with its statements
 * queued here rather than in the driver.
 *
 * Independent writes of a batch run at the same time on this one connection: each statement waits
 * for the one before it to be answered, then leaves at once — from the promise reaction of that
 * answer, in the same turn of the event loop, instead of the next turn the write's own `await` would
 * get once the API's requests queued before it have run. node-postgres has such a queue itself, but
 * calling `query` while one is running is deprecated there (removed in pg 9), so the queue is ours.
 *
 * Not named "…Pool…": drizzle treats a client whose class name says so as a pool and checks a
 * connection out of it for each transaction.
 */
import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import type { PgDb } from "./open.ts";
import { isConnectionFailure } from "./query-failures.ts";
import * as schema from "./schema/index.ts";

export class BatchConnection {
  private client: pg.PoolClient | undefined;
  private tail: Promise<unknown> = Promise.resolve();
  /** Drizzle over this connection: every statement goes through `query`. */
  private readonly db: PgDb;

  constructor(private readonly pool: pg.Pool) {
    this.db = drizzle(this as unknown as pg.PoolClient, { schema });
  }

  /** What drizzle calls for each statement: sent once the one before it has been answered. */
  query(...args: unknown[]): Promise<unknown> {
    const client = this.client;
    if (!client) return Promise.reject(new Error("no batch is running on this connection"));
    const sent = this.tail.then(() => (client.query as (...a: unknown[]) => Promise<unknown>)(...args));
    this.tail = sent.catch(() => undefined);
    return sent;
  }

  /** Checks a connection out of the pool for `work`; one batch at a time. */
  async use<T>(work: (db: PgDb) => Promise<T>): Promise<T> {
    if (this.client) throw new Error("a batch is already running on this connection");
    const client = await this.pool.connect();
    this.client = client;
    let lost: Error | undefined;
    try {
      return await work(this.db);
    } catch (error) {
      // A connection that failed is closed, not handed to the next request.
      if (isConnectionFailure(error)) lost = error instanceof Error ? error : new Error("connection lost");
      throw error;
    } finally {
      this.client = undefined;
      this.tail = Promise.resolve();
      client.release(lost);
    }
  }
}
