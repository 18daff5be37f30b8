/**
 * The embedded store: one SQLite file, one writer (the group-commit queue, `group-commit.ts`) on
 * the request thread, and a second, read-only connection for every read outside a transaction. A
 * transaction's work may await (the repositories are async), and meanwhile other requests read:
 * on the reader they see only committed data, never the open batch. A batch is synced in the same
 * synchronous stretch as its COMMIT, so nothing committed-but-unsynced is ever read either.
 */
import type Database from "better-sqlite3";
import type { AuditDraft, AuditLog } from "../../audit/audit-log.ts";
import { aad, decodeText, type PersonalDataCodec, PlainCodec } from "../../crypto/personal-data-codec.ts";
import type {
  ApplyResult,
  CaseFilter,
  CompleteTaskResult,
  EventCommit,
  StoreHealth,
  TaskFilter,
} from "../case-store.ts";
import type {
  CaseAggregate,
  CaseSummaryRecord,
  HistoryRecord,
  NewCase,
  PathwayVersionRecord,
  TaskRecord,
} from "../records.ts";
import type { Repositories, Storage } from "../storage.ts";
import { CaseReads } from "./case-reads.ts";
import { CaseWrites } from "./case-writes.ts";
import type { Durability } from "./durability.ts";
import { GroupCommitQueue } from "./group-commit.ts";
import { openConnection } from "./open.ts";
import { toHistory, toPathwayVersion, toTask } from "./rows.ts";
import { SqliteRepositories } from "./sqlite-repositories.ts";
import { StatementCache } from "./statement-cache.ts";
import { writableNow } from "./store-checks.ts";

/** How personal values are sealed (encrypted at rest), and where audit entries of writes go. */
export interface StoreProtection {
  codec?: PersonalDataCodec;
  audit?: AuditLog;
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
  private readonly caseReads: CaseReads;
  private readonly listStatements: StatementCache;
  private readonly writes: CaseWrites;
  /** Reads outside a transaction (`query_only`); the writer connection itself for `:memory:`. */
  private readonly reader: Database.Database;
  protected readonly readRepositories: SqliteRepositories;
  private readonly writeRepositories: SqliteRepositories;
  readonly dialect = "sqlite" as const;

  // `sqlite` is public for delivery, which shares this connection and its single writer.
  readonly codec: PersonalDataCodec;
  /** The audit log writes are recorded in (with its chain key); undefined without protections. */
  readonly auditLog: AuditLog | undefined;

  constructor(
    readonly sqlite: Database.Database,
    protection: StoreProtection = {},
  ) {
    this.queue = new GroupCommitQueue(sqlite, protection.durability);
    this.reader = sqlite.memory ? sqlite : openConnection(sqlite.name);
    if (this.reader !== sqlite) this.reader.pragma("query_only = ON");
    this.statements = prepare(this.reader);
    this.pathwayWrites = preparePathwayWrites(sqlite);
    this.listStatements = new StatementCache(this.reader);
    this.codec = protection.codec ?? new PlainCodec();
    this.caseReads = new CaseReads(this.reader, this.codec);
    this.auditLog = protection.audit;
    this.writes = new CaseWrites(sqlite, {
      codec: this.codec,
      audit: this.auditLog,
    });
    const dependencies = { codec: this.codec, auditKey: this.auditLog?.key };
    this.readRepositories = new SqliteRepositories(this.reader, dependencies);
    this.writeRepositories = new SqliteRepositories(sqlite, dependencies);
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

  transaction<T>(work: (tx: Repositories) => T | Promise<T>): Promise<T> {
    return this.queue.run(() => work(this.writeRepositories));
  }

  transact<T>(fn: () => T): Promise<T> {
    return this.queue.run(fn);
  }

  /** Appends an audit entry in a write of its own (batched with the other writes). */
  appendAudit(draft: AuditDraft): Promise<void> {
    const audit = this.auditLog;
    if (!audit) return Promise.resolve();
    return this.queue.run(() => {
      audit.appendInTransaction(draft);
    });
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

  createCase(input: NewCase): Promise<CaseAggregate> {
    return this.queue.run(() => this.writes.createCase(input));
  }

  async getCase(id: string): Promise<CaseAggregate | undefined> {
    return this.caseReads.getCase(id);
  }

  async listCases(filter: CaseFilter): Promise<CaseSummaryRecord[]> {
    return this.caseReads.listCases(filter);
  }

  commitEvent(commit: EventCommit): Promise<ApplyResult> {
    return this.queue.run(() => this.writes.commitEvent(commit));
  }

  async getHistory(caseId: string): Promise<HistoryRecord[]> {
    return (this.statements.history.all(caseId) as Record<string, unknown>[]).map((row) =>
      toHistory(row, this.codec),
    );
  }

  async getTaskNotes(caseId: string): Promise<{ taskId: string; note: string | null }[]> {
    const rows = this.statements.taskNotes.all(caseId) as { id: string; note: string }[];
    return rows.map((r) => ({
      taskId: r.id,
      note: decodeText(this.codec, aad.taskNote(caseId, r.id), r.note),
    }));
  }

  async listTasks(filter: TaskFilter): Promise<TaskRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const when = (condition: string, ...values: unknown[]) => {
      where.push(condition);
      params.push(...values);
    };
    if (filter.status !== undefined) when("status = ?", filter.status);
    if (filter.overdue === true) when("status = 'open' AND due_at < ?", filter.now);
    if (filter.overdue === false) when("NOT (status = 'open' AND due_at < ?)", filter.now);
    if (filter.assignee !== undefined) {
      const [role, agency] = filter.assignee.split("@");
      when("assignee_role = ?", role);
      if (agency !== undefined) when("assignee_agency = ?", agency);
    }
    if (filter.caseId !== undefined) when("case_id = ?", filter.caseId);
    if (filter.agency !== undefined) when("assignee_agency = ?", filter.agency);
    if (filter.country !== undefined)
      when("case_id IN (SELECT id FROM cases WHERE country = ?)", filter.country);
    if (filter.visibleTo !== undefined) {
      const v = filter.visibleTo;
      when(
        "(case_id IN (SELECT id FROM cases WHERE country = ? AND agency = ?) OR case_id IN (SELECT case_id FROM case_grants WHERE agency_id = ? AND revoked_at IS NULL))",
        v.country,
        v.agency,
        v.agencyKey,
      );
    }
    if (filter.afterId !== undefined) when("id < ?", filter.afterId);
    const sql = `SELECT * FROM tasks${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    params.push(filter.limit);
    return (this.listStatements.get(sql).all(...params) as Record<string, unknown>[]).map((row) =>
      toTask(row),
    );
  }

  completeTask(
    taskId: string,
    input: { note?: string; actor: string; at: string; audit?: AuditDraft },
  ): Promise<CompleteTaskResult> {
    return this.queue.run(() => this.writes.completeTask(taskId, input));
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
    return this.readRepositories.caseAccess;
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
    history: sqlite.prepare("SELECT * FROM case_history WHERE case_id = ? ORDER BY seq"),
    taskNotes: sqlite.prepare(
      "SELECT id, note FROM tasks WHERE case_id = ? AND note IS NOT NULL ORDER BY id",
    ),
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
