/**
 * The embedded store: one SQLite file, one writer (the group-commit queue, `group-commit.ts`) on
 * the request thread, and a second, read-only connection for every read outside a transaction
 * (but the case reads of an event's path, which the writer serves while no batch is open on it:
 * `idle-writer-reads.ts`). A transaction's work may await (the repositories are async), and
 * meanwhile other requests read: on the reader they see only committed data, never the open batch.
 * A batch is synced in the same synchronous stretch as its COMMIT, so nothing committed-but-unsynced
 * is ever read either.
 */
import type Database from "better-sqlite3";
import type { Keyring } from "../../crypto/keyring.ts";
import { type PersonalDataCodec, PlainCodec } from "../../crypto/personal-data-codec.ts";
import type { RotationReport, StoreHealth } from "../case-store.ts";
import type { PathwayVersionRecord } from "../records.ts";
import type { Repositories, Storage, TransactionOptions } from "../storage.ts";
import type { Durability } from "./durability.ts";
import { GroupCommitQueue } from "./group-commit.ts";
import { readsOnIdleWriter } from "./idle-writer-reads.ts";
import { keysInUse, rotateRecords } from "./key-rotation.ts";
import { openConnection } from "./open.ts";
import { toPathwayVersion } from "./rows.ts";
import { SqliteRepositories } from "./sqlite-repositories.ts";
import { writableNow } from "./store-checks.ts";

/** How personal values are sealed (encrypted at rest), and where audit entries of writes go. */
export interface StoreProtection {
  codec?: PersonalDataCodec;
  /** The audit chain's key (HMAC); none only without protections. */
  auditKey?: Buffer;
  /** How commits become durable (default: fdatasync of the WAL; tests put a failing disk here). */
  durability?: Durability;
}

/** Raised by `upsertPathwayVersions` when a published version changed: the server must not start. */
export class PathwayImmutabilityError extends Error {
  constructor(country: string, version: number, stored: string, shipped: string) {
    super(
      `Published pathway ${country}@${version} changed: stored hash ${stored}, file hash ${shipped}. A published version is immutable; publish the change as a new version.`,
    );
    this.name = "PathwayImmutabilityError";
  }
}

export class SqliteCaseStore implements Storage {
  readonly queue: GroupCommitQueue;
  private readonly statements: ReturnType<typeof prepare>;
  private readonly pathwayWrites: ReturnType<typeof preparePathwayWrites>;
  /** Reads outside a transaction (`query_only`); the writer connection itself for `:memory:`. */
  private readonly reader: Database.Database;
  protected readonly readRepositories: SqliteRepositories;
  private readonly writeRepositories: SqliteRepositories;
  /** The case and case-access reads of an event's path, on the writer when it is idle (`idle-writer-reads.ts`). */
  private readonly caseRepository: SqliteRepositories["cases"];
  private readonly caseAccessRepository: SqliteRepositories["caseAccess"];
  readonly dialect = "sqlite" as const;

  readonly codec: PersonalDataCodec;

  constructor(
    readonly sqlite: Database.Database,
    protection: StoreProtection = {},
  ) {
    this.queue = new GroupCommitQueue(sqlite, protection.durability);
    this.reader = sqlite.memory ? sqlite : openConnection(sqlite.name);
    if (this.reader !== sqlite) this.reader.pragma("query_only = ON");
    this.statements = prepare(this.reader);
    this.pathwayWrites = preparePathwayWrites(sqlite);
    this.codec = protection.codec ?? new PlainCodec();
    const dependencies = { codec: this.codec, auditKey: protection.auditKey };
    this.readRepositories = new SqliteRepositories(this.reader, dependencies);
    this.writeRepositories = new SqliteRepositories(sqlite, dependencies);
    this.caseRepository = readsOnIdleWriter(
      sqlite,
      this.readRepositories.cases,
      this.writeRepositories.cases,
      ["get"],
    );
    this.caseAccessRepository = readsOnIdleWriter(
      sqlite,
      this.readRepositories.caseAccess,
      this.writeRepositories.caseAccess,
      ["ofCase", "ofTask"],
    );
  }

  get cases() {
    return this.caseRepository;
  }

  get retention() {
    return this.readRepositories.retention;
  }

  get delivery() {
    return this.readRepositories.delivery;
  }

  get tasks() {
    return this.readRepositories.tasks;
  }

  get stats() {
    return this.readRepositories.stats;
  }

  /** Options are for stores that can run independent work together; the single writer runs all in order. */
  transaction<T>(work: (tx: Repositories) => T | Promise<T>, _options?: TransactionOptions): Promise<T> {
    return this.queue.run(() => work(this.writeRepositories));
  }

  async upsertPathwayVersions(versions: PathwayVersionRecord[]): Promise<void> {
    const s = { ...this.statements, ...this.pathwayWrites };
    // One write of the group commit: synced like every other, all versions or none.
    await this.queue.run(() => {
      for (const v of versions) {
        const stored = s.getPathwayVersion.get(v.country, v.version) as Record<string, unknown> | undefined;
        if (stored && stored.status === "published" && stored.hash !== v.hash) {
          throw new PathwayImmutabilityError(v.country, v.version, stored.hash as string, v.hash);
        }
        if (stored && stored.hash === v.hash && stored.status === v.status) continue;
        s.upsertPathwayVersion.run({
          country: v.country,
          version: v.version,
          status: v.status,
          hash: v.hash,
          definition: JSON.stringify(v.definition),
          published_at: v.publishedAt,
        });
      }
    });
  }

  async listPathwayVersions(country?: string): Promise<PathwayVersionRecord[]> {
    const rows = country
      ? this.statements.listPathwayVersionsOf.all(country)
      : this.statements.listPathwayVersions.all();
    return (rows as Record<string, unknown>[]).map(toPathwayVersion);
  }

  async getPathwayVersion(country: string, version: number): Promise<PathwayVersionRecord | undefined> {
    const row = this.statements.getPathwayVersion.get(country, version) as
      | Record<string, unknown>
      | undefined;
    return row ? toPathwayVersion(row) : undefined;
  }

  failure(): Error | undefined {
    return this.queue.syncFailure;
  }

  async health(): Promise<StoreHealth> {
    if (this.queue.syncFailure)
      return {
        ok: false,
        code: "PASSERELLE_STORE_SYNC_FAILED",
        reason: `syncing the log of ${this.sqlite.name} failed: restart the server`,
      };
    const writable = writableNow(this.sqlite.name);
    return writable.ok
      ? { ok: true }
      : { ok: false, code: "PASSERELLE_STORE_UNWRITABLE", reason: writable.reason };
  }

  async keysInUse(): Promise<{ keyIds: Set<string>; plain: number }> {
    return keysInUse(this.reader);
  }

  resealAll(keyring: Keyring): Promise<RotationReport> {
    // One write of the group commit: every value moves to the new key, or none does.
    return this.queue.run(() => rotateRecords(this.sqlite, keyring));
  }

  async purgeErased(): Promise<boolean> {
    // The erased values' old pages are still frames of the WAL until a checkpoint copies the zeroed
    // pages back (secure_delete) and truncates it. Not while a batch is open on this connection, nor
    // while a reader holds an old snapshot: then it reports false, and the next run empties it.
    if (this.sqlite.inTransaction) return false;
    const [checkpoint] = this.sqlite.pragma("wal_checkpoint(TRUNCATE)") as { busy: number }[];
    return checkpoint?.busy === 0;
  }

  async close(): Promise<void> {
    await this.queue.drain();
    if (this.reader !== this.sqlite && this.reader.open) this.reader.close();
    if (this.sqlite.open) this.sqlite.close();
  }

  get directory() {
    return this.readRepositories.directory;
  }

  get loginThrottle() {
    return this.readRepositories.loginThrottle;
  }

  get caseAccess() {
    return this.caseAccessRepository;
  }

  get grants() {
    return this.readRepositories.grants;
  }

  get audit() {
    return this.readRepositories.audit;
  }
}

function prepare(sqlite: Database.Database) {
  return {
    getPathwayVersion: sqlite.prepare("SELECT * FROM pathway_versions WHERE country = ? AND version = ?"),
    listPathwayVersions: sqlite.prepare("SELECT * FROM pathway_versions ORDER BY country, version"),
    listPathwayVersionsOf: sqlite.prepare(
      "SELECT * FROM pathway_versions WHERE country = ? ORDER BY version",
    ),
  };
}

function preparePathwayWrites(sqlite: Database.Database) {
  return {
    getPathwayVersion: sqlite.prepare("SELECT * FROM pathway_versions WHERE country = ? AND version = ?"),
    upsertPathwayVersion: sqlite.prepare(
      `INSERT INTO pathway_versions (country, version, status, hash, definition, published_at)
       VALUES (@country, @version, @status, @hash, @definition, @published_at)
       ON CONFLICT (country, version) DO UPDATE SET status = excluded.status, hash = excluded.hash, definition = excluded.definition, published_at = excluded.published_at`,
    ),
  };
}
