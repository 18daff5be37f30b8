/**
 * The database must compare text byte by byte, as SQLite does. Ids and ISO instants are compared and
 * paginated as strings (`id < $cursor ORDER BY id DESC`); under a linguistic collation
 * (`en_US.UTF-8`, ICU) `a` sorts before `B` and punctuation is weighed last, so a page boundary
 * could skip or repeat rows, and the two stores would answer the same list differently.
 */
import type { PoolClient } from "pg";

/** Strings whose byte order differs from every linguistic order we know of. */
const PROBE = [
  "a",
  "B",
  "Z",
  "_",
  "-",
  ".",
  "0",
  "A-",
  "A.",
  "A0",
  "Aa",
  "AB",
  "é",
  "z",
  "2026-03-02T09:00:00.000Z",
];

export class CollationError extends Error {
  constructor(
    readonly database: string,
    readonly collation: string,
  ) {
    super(
      `The PostgreSQL database ${database} sorts text with the collation ${collation}, not in byte order; Passerelle compares ids and instants as strings. Create the database with LC_COLLATE 'C' (docs/operations.md#postgresql).`,
    );
    this.name = "CollationError";
  }
}

/** Refuses a database whose default collation does not sort the probe strings in byte order. */
export async function assertByteOrderCollation(client: PoolClient): Promise<void> {
  const result = await client.query<{ sorted: string[]; database: string; collation: string }>(
    `SELECT array_agg(v ORDER BY v) AS sorted, current_database() AS database,
            -- The ICU locale when the database uses ICU (PostgreSQL 15, 16: daticulocale; 17: datlocale).
            (SELECT coalesce(to_jsonb(d) ->> 'datlocale', to_jsonb(d) ->> 'daticulocale', d.datcollate)
               FROM pg_database d WHERE d.datname = current_database()) AS collation
       FROM unnest($1::text[]) AS v`,
    [PROBE],
  );
  const row = result.rows[0];
  const expected = [...PROBE].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  if (!row || row.sorted.join("\n") !== expected.join("\n"))
    throw new CollationError(row?.database ?? "?", row?.collation ?? "?");
}
