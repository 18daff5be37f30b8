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

interface QueryConfig {
  text: string;
  /** A named statement (`named-statement.ts`): never merged into a simple-protocol query. */
  name?: string;
}

/** What BEGIN answers; drizzle reads nothing of it. */
const BEGUN = { command: "BEGIN", rowCount: null, rows: [], fields: [] };

/** The results of `BEGIN; …` without BEGIN's: one result, or the array of several. */
function withoutBegin(results: pg.QueryResult | pg.QueryResult[]): pg.QueryResult | pg.QueryResult[] {
  const rest = (results as pg.QueryResult[]).slice(1);
  return rest.length === 1 ? rest[0]! : rest;
}

export class BatchConnection {
  private client: pg.PoolClient | undefined;
  private busy = false;
  /**
   * drizzle's BEGIN, held back to leave with the batch's first statement: a statement without
   * parameters goes in one simple-protocol query with it (`BEGIN; …`), one round trip less per batch.
   */
  private beginHeld = false;
  private tail: Promise<unknown> = Promise.resolve();
  /** Drizzle over this connection: every statement goes through `query`. */
  private readonly db: PgDb;

  constructor(private readonly pool: pg.Pool) {
    this.db = drizzle(this as unknown as pg.PoolClient, { schema });
  }

  /** What drizzle calls for each statement: sent once the one before it has been answered. */
  query(...args: unknown[]): Promise<unknown> {
    const client = this.client;
    if (!client || !this.busy) return Promise.reject(new Error("no batch is running on this connection"));
    const [config, values] = args as [QueryConfig, unknown[] | undefined];
    if (config.text === "begin" && values?.length === 0 && !this.beginHeld) {
      this.beginHeld = true;
      return Promise.resolve(BEGUN);
    }
    let send = () => (client.query as (...a: unknown[]) => Promise<unknown>)(...args);
    if (this.beginHeld) {
      this.beginHeld = false;
      const plain = (values === undefined || values.length === 0) && config.name === undefined;
      send = plain
        ? () => client.query({ ...config, text: `BEGIN; ${config.text}` }).then(withoutBegin)
        : () =>
            client
              .query("BEGIN")
              .then(() => (client.query as (...a: unknown[]) => Promise<unknown>)(...args));
    }
    const sent = this.tail.then(send);
    this.tail = sent.catch(() => undefined);
    return sent;
  }

  /**
   * Runs `work` on this connection, checked out of the pool by the first batch and kept for the
   * batches that follow it (`release` hands it back when the queue is empty); one batch at a time.
   *
   * Kept: checked out per batch, a batch waited behind the API's reads for a free connection of the
   * pool, 7–8 ms of a ~27 ms batch under the event benchmark (instrumented run, 50 connections,
   * pool of 10), on the path that holds the audit chain's lock.
   */
  async use<T>(work: (db: PgDb) => Promise<T>): Promise<T> {
    if (this.busy) throw new Error("a batch is already running on this connection");
    this.busy = true;
    try {
      this.client ??= await this.checkOut();
      return await work(this.db);
    } catch (error) {
      // A connection that failed is closed, not handed to the next request.
      if (isConnectionFailure(error))
        this.release(error instanceof Error ? error : new Error("connection lost"));
      throw error;
    } finally {
      this.busy = false;
      this.beginHeld = false;
      this.tail = Promise.resolve();
    }
  }

  /** Hands the connection back to the pool (closed instead when `lost`). */
  release(lost?: Error): void {
    const client = this.client;
    if (!client) return;
    this.client = undefined;
    client.removeListener("error", this.onError);
    client.release(lost);
  }

  private async checkOut(): Promise<pg.PoolClient> {
    const client = await this.pool.connect();
    // Kept between batches, a connection that fails (the server went away) must not serve the next.
    client.on("error", this.onError);
    return client;
  }

  /**
   * The connection failed between statements (the server went away): it is not used again. During a
   * batch it is closed by `use` once the batch's statement fails with the driver's own error.
   */
  private readonly onError = (error: Error) => {
    if (!this.busy) this.release(error);
  };
}
