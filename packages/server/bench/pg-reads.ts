/**
 * Reads over 1,000,000 cases on the PostgreSQL store: the database filled by `pg-fill.ts` (or
 * reused, `BENCH_PG_MILLION_DB`), then the same reads as the SQLite run (`reads.ts`) against the
 * real server with `DATABASE_URL` on it and its protections on.
 *
 * `tsx bench/pg-reads.ts` prints the figures; `bench/run.ts` calls `pgReadsAtScale()` in its run.
 */
import pg from "pg";
import { settleWriteback } from "./lib.ts";
import { pgServerEnv } from "./pg-fill.ts";
import { pgMillionDatabase } from "./pg-million.ts";
import { measureReads, type ReadFigures } from "./reads.ts";

export interface PgReadFigures extends ReadFigures {
  fillSeconds: number;
  reused: boolean;
  database: string;
}

export async function pgReadsAtScale(
  count: number,
  options: { seconds: number; rate: number; serverNodeArgs?: string[] },
  log: (line: string) => void,
): Promise<PgReadFigures> {
  log(`\n## Reads over ${count.toLocaleString("en")} cases on PostgreSQL`);
  const database = await pgMillionDatabase(count, log);
  try {
    const settled = settleWriteback();
    log(`  flushed ${settled.pendingMb ?? "n/a"} MB of pending writes first (sync: ${settled.seconds} s)`);
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    const agency = (
      await client.query<{ agency: string }>("SELECT agency FROM cases WHERE country = 'GH' LIMIT 1")
    ).rows[0]!.agency;
    const ids = (
      await client.query<{ id: string }>(
        "SELECT id FROM cases WHERE country = 'GH' AND agency = $1 ORDER BY random() LIMIT 2000",
        [agency],
      )
    ).rows.map((r) => r.id);
    await client.end();
    const env = pgServerEnv(database.url, database.keys);
    const reads = await measureReads({ env, database: database.url, agency, ids, ...options }, log);
    return { ...reads, fillSeconds: database.fillSeconds, reused: database.reused, database: database.name };
  } finally {
    await database.release();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await pgReadsAtScale(
    Number(process.env.BENCH_FILL ?? 1_000_000),
    { seconds: Number(process.env.BENCH_SECONDS ?? 15), rate: Number(process.env.BENCH_READ_RATE ?? 100) },
    (line) => process.stdout.write(`${line}\n`),
  );
  process.stdout.write(
    `\nPostgreSQL reads: list p99 ${r.list.p99} ms (server's own ${r.listServer.p99}), case read p99 ${r.read.p99} ms (server's own ${r.readServer.p99})\n`,
  );
}
