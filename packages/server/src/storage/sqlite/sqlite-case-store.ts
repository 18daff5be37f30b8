/**
 * The embedded store: one SQLite file, one writer (the group-commit queue). Reads run on this
 * thread's connection and only ever see committed data (WAL). Writes are commands
 * (`write-command.ts`) run by `CaseWrites` — inline on this connection, or in the writer thread
 * with a connection of its own (`useWriterThread`), so that their SQL, audit hashing and fsync
 * leave the event loop.
 */
import type Database from "better-sqlite3";
import type { AuditDraft, AuditLog } from "../../audit/audit-log.ts";
import type { EventCommand } from "../../cases/decide-event.ts";
import type { KeyringSettings } from "../../crypto/keyring.ts";
import { aad, decodeText, type PersonalDataCodec, PlainCodec } from "../../crypto/personal-data-codec.ts";
import type { PathwayRegistry } from "../../pathways/pathway-registry.ts";
import type {
  ApplyResult,
  CaseFilter,
  CaseStore,
  CompleteTaskResult,
  ReadAnswer,
  ReadQuery,
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
import { CaseReads } from "./case-reads.ts";
import { CaseWrites } from "./case-writes.ts";
import { GroupCommitQueue } from "./group-commit.ts";
import { answerRead } from "./read-answers.ts";
import { ReaderThread } from "./reader-thread-client.ts";
import { toHistory, toPathwayVersion, toTask } from "./rows.ts";
import { StatementCache } from "./statement-cache.ts";
import type { WriteCommand } from "./write-command.ts";
import { WriterThread } from "./writer-thread-client.ts";

/** How personal values are sealed (encrypted at rest), and where audit entries of writes go. */
export interface StoreProtection {
  codec?: PersonalDataCodec;
  audit?: AuditLog;
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

export class SqliteCaseStore implements CaseStore {
  readonly queue: GroupCommitQueue;
  private readonly statements: ReturnType<typeof prepare>;
  private readonly caseReads: CaseReads;
  private readonly listStatements: StatementCache;
  private pathways: PathwayRegistry | undefined;
  private reader: ReaderThread | undefined;
  private writerThread: WriterThread | undefined;

  // `sqlite` is public for delivery, which shares this connection and its single writer.
  readonly codec: PersonalDataCodec;
  /** The audit log writes are recorded in (with its chain key); undefined without protections. */
  readonly auditLog: AuditLog | undefined;

  constructor(
    readonly sqlite: Database.Database,
    protection: StoreProtection = {},
  ) {
    this.queue = new GroupCommitQueue(sqlite);
    this.statements = prepare(sqlite);
    this.listStatements = new StatementCache(sqlite);
    this.codec = protection.codec ?? new PlainCodec();
    this.caseReads = new CaseReads(sqlite, this.codec);
    this.auditLog = protection.audit;
    // Commands run inline until `useWriterThread`; events need `usePathways` first.
    const writes = new CaseWrites(sqlite, {
      codec: this.codec,
      audit: this.auditLog,
      pathways: () => this.pathways,
    });
    this.queue.useCommands({ kind: "inline", execute: (command) => writes.execute(command) });
  }

  /** The pathways events are decided with when commands run inline (the writer thread loads its own). */
  usePathways(pathways: PathwayRegistry): void {
    this.pathways = pathways;
  }

  /**
   * Moves the commands to a writer thread with its own connection. `keys` must be the settings the
   * codec of this store was made with (null: protections off); the pathways must be stored already.
   */
  useWriterThread(options: { keys: KeyringSettings | null; onCrash?: (error: Error) => void }): void {
    if ((options.keys === null) !== (this.auditLog === undefined))
      throw new Error("the writer thread must be given the protections of the store");
    this.writerThread = new WriterThread({
      file: this.sqlite.name,
      keys: options.keys,
      codec: this.codec,
      ...(options.onCrash && { onCrash: options.onCrash }),
    });
    this.queue.useCommands(this.writerThread);
  }

  /**
   * Moves case reads and lists (`answerRead`) to a reader thread with its own connection. `keys`:
   * as for the writer thread.
   */
  useReaderThread(options: { keys: KeyringSettings | null }): void {
    this.reader = new ReaderThread({ file: this.sqlite.name, keys: options.keys });
  }

  /**
   * With the writer thread, commits are visible before they are synced (see `readBarrier` in
   * `writer-thread-client.ts`); inline, COMMIT syncs (`synchronous = FULL`) before anyone sees it.
   */
  readBarrier(): Promise<void> | undefined {
    return this.writerThread?.readBarrier();
  }

  /** A case view or a page of cases, serialised: in the reader thread, or here. */
  answerRead(query: ReadQuery): Promise<ReadAnswer> {
    if (this.reader) return this.reader.answer(query);
    if (!this.pathways) return Promise.reject(new Error("the store was given no pathways"));
    return Promise.resolve(answerRead(this.caseReads, this.pathways, query));
  }

  transact<T>(fn: () => T): Promise<T> {
    return this.queue.run(fn);
  }

  /** Appends an audit entry in a write of its own (batched with the other writes). */
  appendAudit(draft: AuditDraft): Promise<void> {
    if (!this.auditLog) return Promise.resolve();
    return this.send({ type: "appendAudit", draft });
  }

  private send<T>(command: WriteCommand): Promise<T> {
    return this.queue.send<T>(command);
  }

  async upsertPathwayVersions(versions: PathwayVersionRecord[]): Promise<void> {
    const s = this.statements;
    this.sqlite.transaction(() => {
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
    })();
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
    return this.send({ type: "createCase", input });
  }

  async getCase(id: string): Promise<CaseAggregate | undefined> {
    return this.caseReads.getCase(id);
  }

  async listCases(filter: CaseFilter): Promise<CaseSummaryRecord[]> {
    return this.caseReads.listCases(filter);
  }

  applyEvent(command: EventCommand): Promise<ApplyResult> {
    return this.send({ type: "applyEvent", command });
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
    return this.send({ type: "completeTask", taskId, input });
  }

  /**
   * Starts the reader and writer threads (when used) and resolves once both are ready, so that the
   * first requests after a start do not wait for a thread to load its code.
   */
  async startThreads(): Promise<void> {
    await Promise.all([this.reader?.start(), this.writerThread?.start()]);
  }

  async close(): Promise<void> {
    await this.reader?.close();
    await this.queue.drain();
    if (this.sqlite.open) this.sqlite.close();
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
    upsertPathwayVersion: sqlite.prepare(
      `INSERT INTO pathway_versions (country, version, status, hash, definition, published_at)
       VALUES (@country, @version, @status, @hash, @definition, @published_at)
       ON CONFLICT (country, version) DO UPDATE SET status = excluded.status, hash = excluded.hash, definition = excluded.definition, published_at = excluded.published_at`,
    ),
  };
}
