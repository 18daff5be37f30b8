/**
 * Pathway versions in PostgreSQL: what the server has seen of each country's pathway, with its
 * content hash. A published version is immutable: an instance shipping a changed file for it is
 * refused, even when it starts at the same moment as the instance that stores the original.
 */
import { and, asc, eq } from "drizzle-orm";
import type { PathwayVersionRecord } from "../records.ts";
import { PathwayImmutabilityError } from "../sqlite/sqlite-case-store.ts";
import type { PgDb, PgTx } from "./open.ts";
import { pathwayVersions } from "./schema/index.ts";

type Row = typeof pathwayVersions.$inferSelect;

function toRecord(row: Row): PathwayVersionRecord {
  return { ...row, definition: JSON.parse(row.definition) };
}

/**
 * Stores shipped versions in `tx`; throws `PathwayImmutabilityError` when a stored published
 * version's hash differs. Each version is first inserted if absent (`ON CONFLICT DO NOTHING` waits
 * for another instance's uncommitted insert of it), then read `FOR UPDATE`: two instances never both
 * see "absent" and overwrite each other. Versions are taken in key order, so two instances locking
 * several never deadlock.
 */
export async function upsertPathwayVersions(
  tx: PgTx,
  versions: readonly PathwayVersionRecord[],
): Promise<void> {
  const ordered = [...versions].sort((a, b) =>
    a.country === b.country ? a.version - b.version : a.country < b.country ? -1 : 1,
  );
  for (const v of ordered) {
    const row = {
      country: v.country,
      version: v.version,
      status: v.status,
      hash: v.hash,
      definition: JSON.stringify(v.definition),
      publishedAt: v.publishedAt,
    };
    const inserted = await tx.insert(pathwayVersions).values(row).onConflictDoNothing().returning();
    if (inserted.length === 1) continue;
    const key = and(eq(pathwayVersions.country, v.country), eq(pathwayVersions.version, v.version));
    const [stored] = await tx.select().from(pathwayVersions).where(key).for("update");
    if (!stored) throw new Error(`pathway version ${v.country}@${v.version} vanished while being stored`);
    if (stored.status === "published" && stored.hash !== v.hash)
      throw new PathwayImmutabilityError(v.country, v.version, stored.hash, v.hash);
    if (stored.hash === v.hash && stored.status === v.status) continue;
    await tx.update(pathwayVersions).set(row).where(key);
  }
}

export async function listPathwayVersions(
  db: PgDb | PgTx,
  country?: string,
): Promise<PathwayVersionRecord[]> {
  const rows = country
    ? await db
        .select()
        .from(pathwayVersions)
        .where(eq(pathwayVersions.country, country))
        .orderBy(asc(pathwayVersions.version))
    : await db
        .select()
        .from(pathwayVersions)
        .orderBy(asc(pathwayVersions.country), asc(pathwayVersions.version));
  return rows.map(toRecord);
}

export async function getPathwayVersion(
  db: PgDb | PgTx,
  country: string,
  version: number,
): Promise<PathwayVersionRecord | undefined> {
  const [row] = await db
    .select()
    .from(pathwayVersions)
    .where(and(eq(pathwayVersions.country, country), eq(pathwayVersions.version, version)));
  return row ? toRecord(row) : undefined;
}
