/**
 * The embedded store: one SQLite file, one connection, one writer (the group-commit queue).
 * Hot paths use prepared statements; reads run between batches, so they only ever see committed
 * data.
 */
import type Database from "better-sqlite3";
import type { AuditDraft, AuditLog } from "../../audit/audit-log.ts";
import { aad, encodeText, type PersonalDataCodec, PlainCodec } from "../../crypto/personal-data-codec.ts";
import { ageBandOf } from "../../crypto/personal-fields.ts";
import { initialDelivery } from "../../delivery/ladder.ts";
import { newTaskId } from "../../ids.ts";
import type {
  ApplyResult,
  CaseFilter,
  CaseStore,
  CompleteTaskResult,
  DecideTransition,
  TaskFilter,
} from "../case-store.ts";
import type {
  CaseAggregate,
  CaseSummaryRecord,
  HistoryRecord,
  NewCase,
  PathwayVersionRecord,
  TaskRecord,
  TransitionWrite,
} from "../records.ts";
import { GroupCommitQueue } from "./group-commit.ts";
import { toCase, toCaseSummary, toConsent, toHistory, toPathwayVersion, toTask } from "./rows.ts";

/** Issue 5: how personal values are sealed, and where audit entries of writes go. */
export interface StoreProtection {
  codec?: PersonalDataCodec;
  audit?: AuditLog;
}

const SUMMARY_COLUMNS =
  "id, country, pathway_version, stage, state, revision, assignee, agency, next_due_at, created_at, updated_at, outcome";

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
  private readonly listStatements = new Map<string, Database.Statement>();

  // `sqlite` is public for delivery (issue 4), which shares this connection and its single writer.
  readonly codec: PersonalDataCodec;
  private readonly auditLog: AuditLog | undefined;

  constructor(
    readonly sqlite: Database.Database,
    protection: StoreProtection = {},
  ) {
    this.queue = new GroupCommitQueue(sqlite);
    this.statements = prepare(sqlite);
    this.codec = protection.codec ?? new PlainCodec();
    this.auditLog = protection.audit;
  }

  transact<T>(fn: () => T): Promise<T> {
    return this.queue.run(fn);
  }

  /** Appends an audit entry in a write of its own (batched with the other writes). */
  appendAudit(draft: AuditDraft): Promise<void> {
    const log = this.auditLog;
    if (!log) return Promise.resolve();
    return this.queue.run(() => {
      log.appendInTransaction(draft);
    });
  }

  /** Appends the audit entry of a write inside that write's transaction. */
  private auditInTransaction(draft: AuditDraft | undefined, targetId: string): void {
    if (draft && this.auditLog)
      this.auditLog.appendInTransaction({ ...draft, targetId: draft.targetId ?? targetId });
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
    return this.queue.run(() => {
      const w = input.opening;
      const at = w.history.at;
      this.statements.insertCase.run({
        id: input.id,
        country: input.country,
        pathway_version: input.pathwayVersion,
        stage: w.stage,
        state: w.state,
        snapshot: JSON.stringify(w.snapshot),
        revision: 1,
        assignee: input.assignee,
        agency: input.agency,
        // Reportable attributes stay in the clear (statistics); everything else about the person is sealed.
        sex: typeof input.person.sex === "string" ? input.person.sex : null,
        nationality: typeof input.person.nationality === "string" ? input.person.nationality : null,
        age_band:
          typeof input.person.ageBand === "string"
            ? input.person.ageBand
            : (ageBandOf(
                typeof input.person.birthDate === "string" ? input.person.birthDate : undefined,
                new Date(at),
              ) ?? null),
        created_at: at,
        updated_at: at,
        outcome: w.outcome,
      });
      // The sealed values go to their own table (1:1), out of the rows that lists walk.
      this.statements.insertPersonal.run({
        case_id: input.id,
        person: this.codec.encode(aad.person(input.id), input.person),
        identification: this.codec.encode(aad.identification(input.id), input.identification),
      });
      this.writeEffects(input.id, 1, input.pathwayVersion, w);
      this.auditInTransaction(input.audit, input.id);
      return this.readAggregate(input.id)!;
    });
  }

  async getCase(id: string): Promise<CaseAggregate | undefined> {
    return this.readAggregate(id);
  }

  async listCases(filter: CaseFilter): Promise<CaseSummaryRecord[]> {
    if (filter.visibleTo !== undefined) return this.listVisibleCases(filter, filter.visibleTo);
    const where: string[] = [];
    const params: unknown[] = [];
    // Country without stage: `+country` walks the id index (newest first) instead of sorting every
    // case of the country; a country holds a large share of the cases, so a page is found quickly.
    if (filter.country !== undefined) {
      where.push(filter.stage === undefined ? "+country = ?" : "country = ?");
      params.push(filter.country);
    }
    where.push(...this.caseConditions(filter, params));
    const sql = `SELECT ${SUMMARY_COLUMNS} FROM cases${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    params.push(filter.limit);
    return (this.listStatement(sql).all(...params) as Record<string, unknown>[]).map(toCaseSummary);
  }

  /**
   * Need-to-know lists (issue 5): the cases the agency owns and the cases referred to it, as two
   * keyset pages merged in id order. Each part walks an index already in id order — owned cases
   * `(country, agency[, stage | assignee], id)`, referred ones `case_grants (agency_id, case_id)` —
   * and stops after `limit` rows (testing visibility row by row instead read every invisible case
   * on the way). When the owned page is full, referred cases older than its last case cannot be on
   * this page, so the referred part stops there: it reads only the grants of the page's time span,
   * however many cases were referred to the agency.
   */
  private listVisibleCases(filter: CaseFilter, v: NonNullable<CaseFilter["visibleTo"]>): CaseSummaryRecord[] {
    const ownedParams: unknown[] = [v.country, v.agency];
    const owned = ["country = ?", "agency = ?"];
    if (filter.country !== undefined) {
      owned.push("country = ?");
      ownedParams.push(filter.country);
    }
    owned.push(...this.caseConditions(filter, ownedParams));
    ownedParams.push(filter.limit);
    const ownedRows = this.listStatement(
      `SELECT ${SUMMARY_COLUMNS} FROM cases WHERE ${owned.join(" AND ")} ORDER BY id DESC LIMIT ?`,
    ).all(...ownedParams) as Record<string, unknown>[];

    // Referred cases: the grants index yields case ids newest first; GROUP BY drops repeated grants
    // (a case referred twice) without a sort. Cases the agency also owns are in the first part.
    // CROSS JOIN keeps the grants as the outer loop: driven from `cases` instead (a country filter
    // tempts the planner), it would test every case of the country for a grant.
    const grantedParams: unknown[] = [v.agencyKey, v.country, v.agency];
    const granted = ["g.agency_id = ?", "g.revoked_at IS NULL", "NOT (c.country = ? AND c.agency IS ?)"];
    if (filter.country !== undefined) {
      granted.push("c.country = ?");
      grantedParams.push(filter.country);
    }
    granted.push(...this.caseConditions(filter, grantedParams, "c.", "g.case_id"));
    const floor = ownedRows.length === filter.limit ? (ownedRows.at(-1)!.id as string) : undefined;
    if (floor !== undefined) {
      granted.push("g.case_id > ?");
      grantedParams.push(floor);
    }
    grantedParams.push(filter.limit);
    const columns = SUMMARY_COLUMNS.split(", ").map((c) => `c.${c}`);
    const grantedRows = this.listStatement(
      `SELECT ${columns.join(", ")} FROM case_grants g CROSS JOIN cases c ON c.id = g.case_id WHERE ${granted.join(" AND ")} GROUP BY g.case_id ORDER BY g.case_id DESC LIMIT ?`,
    ).all(...grantedParams) as Record<string, unknown>[];

    return mergeNewestFirst(ownedRows, grantedRows, filter.limit).map(toCaseSummary);
  }

  /** The stage, assignee, overdue and cursor conditions of a case list (`prefix`: the table alias). */
  private caseConditions(filter: CaseFilter, params: unknown[], prefix = "", idColumn = "id"): string[] {
    const where: string[] = [];
    if (filter.stage !== undefined) {
      where.push(`${prefix}stage = ?`);
      params.push(filter.stage);
    }
    if (filter.assignee !== undefined) {
      where.push(`${prefix}assignee = ?`);
      params.push(filter.assignee);
    }
    // `+next_due_at` keeps the planner on the id-ordered indexes (see the cases schema).
    if (filter.overdue === true) {
      where.push(`+${prefix}next_due_at < ?`);
      params.push(filter.now);
    }
    if (filter.overdue === false) {
      where.push(`(${prefix}next_due_at IS NULL OR +${prefix}next_due_at >= ?)`);
      params.push(filter.now);
    }
    if (filter.afterId !== undefined) {
      where.push(`${idColumn} < ?`);
      params.push(filter.afterId);
    }
    return where;
  }

  applyTransition(
    caseId: string,
    expectedRevision: number,
    actor: string,
    at: string,
    decide: DecideTransition,
    audit?: AuditDraft,
  ): Promise<ApplyResult> {
    return this.queue.run((): ApplyResult => {
      const current = this.readAggregate(caseId);
      if (!current) return { status: "notFound" };
      if (current.case.revision !== expectedRevision)
        return { status: "stale", currentRevision: current.case.revision };
      const w = decide(current);
      const next = expectedRevision + 1;
      // Compare-and-swap: with one writer it cannot miss, but it is the guard a multi-writer store relies on.
      const swapped = this.statements.swapCase.run({
        id: caseId,
        expected: expectedRevision,
        revision: next,
        stage: w.stage,
        state: w.state,
        snapshot: JSON.stringify(w.snapshot),
        updated_at: at,
        outcome: w.outcome,
      });
      if (swapped.changes !== 1) return { status: "stale", currentRevision: current.case.revision };
      this.writeEffects(caseId, next, current.case.pathwayVersion, {
        ...w,
        history: { ...w.history, actor, at },
      });
      this.auditInTransaction(audit && { ...audit, details: { ...audit.details, revision: next } }, caseId);
      return { status: "applied", aggregate: this.afterTransition(current, w, next, at) };
    });
  }

  /**
   * The case as the transition left it, without reading (and decrypting) it again: only the rows
   * the transition changed are read back (open tasks get their ids on insert).
   */
  private afterTransition(
    current: CaseAggregate,
    w: TransitionWrite,
    revision: number,
    at: string,
  ): CaseAggregate {
    const caseId = current.case.id;
    const openTasks =
      w.schedule.length > 0 || w.cancelStates.length > 0
        ? (this.statements.openTasks.all(caseId) as Record<string, unknown>[]).map((row) =>
            toTask(row, this.codec),
          )
        : current.openTasks;
    const consents =
      w.consents.length > 0
        ? (this.statements.consents.all(caseId) as Record<string, unknown>[]).map((row) =>
            toConsent(row, this.codec),
          )
        : current.consents;
    const nextDueAt = openTasks.reduce<string | null>(
      (min, t) => (min === null || t.dueAt < min ? t.dueAt : min),
      null,
    );
    return {
      case: {
        ...current.case,
        revision,
        stage: w.stage,
        state: w.state,
        snapshot: w.snapshot,
        updatedAt: at,
        outcome: w.outcome,
        nextDueAt,
      },
      openTasks,
      consents,
    };
  }

  async getHistory(caseId: string): Promise<HistoryRecord[]> {
    return (this.statements.history.all(caseId) as Record<string, unknown>[]).map((row) =>
      toHistory(row, this.codec),
    );
  }

  async listTasks(filter: TaskFilter): Promise<TaskRecord[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    if (filter.status !== undefined) where.push("status = ?"), params.push(filter.status);
    if (filter.overdue === true) where.push("status = 'open' AND due_at < ?"), params.push(filter.now);
    if (filter.overdue === false) where.push("NOT (status = 'open' AND due_at < ?)"), params.push(filter.now);
    if (filter.assignee !== undefined) {
      const [role, agency] = filter.assignee.split("@");
      where.push("assignee_role = ?"), params.push(role);
      if (agency !== undefined) where.push("assignee_agency = ?"), params.push(agency);
    }
    if (filter.caseId !== undefined) where.push("case_id = ?"), params.push(filter.caseId);
    if (filter.agency !== undefined) where.push("assignee_agency = ?"), params.push(filter.agency);
    if (filter.country !== undefined)
      where.push("case_id IN (SELECT id FROM cases WHERE country = ?)"), params.push(filter.country);
    if (filter.visibleTo !== undefined) {
      const v = filter.visibleTo;
      where.push(
        "(case_id IN (SELECT id FROM cases WHERE country = ? AND agency = ?) OR case_id IN (SELECT case_id FROM case_grants WHERE agency_id = ? AND revoked_at IS NULL))",
      );
      params.push(v.country, v.agency, v.agencyKey);
    }
    if (filter.afterId !== undefined) where.push("id < ?"), params.push(filter.afterId);
    const sql = `SELECT * FROM tasks${where.length ? ` WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT ?`;
    params.push(filter.limit);
    return (this.listStatement(sql).all(...params) as Record<string, unknown>[]).map((row) =>
      toTask(row, this.codec),
    );
  }

  completeTask(
    taskId: string,
    input: { note?: string; actor: string; at: string; audit?: AuditDraft },
  ): Promise<CompleteTaskResult> {
    return this.queue.run((): CompleteTaskResult => {
      const row = this.statements.getTask.get(taskId) as Record<string, unknown> | undefined;
      if (!row) return { status: "notFound" };
      if (row.status !== "open") return { status: "notOpen", task: toTask(row, this.codec) };
      this.statements.completeTask.run({
        id: taskId,
        completed_at: input.at,
        actor: input.actor,
        // A note is free text: personal, sealed.
        note: input.note === undefined ? null : encodeText(this.codec, aad.taskNote(taskId), input.note),
      });
      this.statements.refreshNextDue.run(row.case_id);
      this.auditInTransaction(input.audit, row.case_id as string);
      return {
        status: "completed",
        task: toTask(this.statements.getTask.get(taskId) as Record<string, unknown>, this.codec),
      };
    });
  }

  async close(): Promise<void> {
    await this.queue.drain();
    if (this.sqlite.open) this.sqlite.close();
  }

  /** History row, cancelled and new tasks, consents and the next due time of one transition. */
  private writeEffects(caseId: string, seq: number, pathwayVersion: number, w: TransitionWrite): void {
    const s = this.statements;
    const h = w.history;
    s.insertHistory.run({
      case_id: caseId,
      seq,
      event_type: h.eventType,
      // Personal fields leave `data` and are sealed on their own (issue 5).
      data: JSON.stringify(
        h.personalFields.length === 0
          ? h.data
          : Object.fromEntries(Object.entries(h.data).filter(([key]) => !h.personalFields.includes(key))),
      ),
      personal_fields: JSON.stringify(h.personalFields),
      personal_data:
        h.personalFields.length === 0
          ? null
          : this.codec.encode(
              aad.history(caseId, seq),
              Object.fromEntries(Object.entries(h.data).filter(([key]) => h.personalFields.includes(key))),
            ),
      from_state: h.fromState,
      to_state: h.toState,
      actor: h.actor,
      at: h.at,
      pathway_version: pathwayVersion,
    });
    for (const state of w.cancelStates) s.cancelTasks.run({ case_id: caseId, state, at: h.at });
    for (const task of w.schedule) {
      const delivery = initialDelivery(task.escalation);
      s.insertTask.run({
        id: newTaskId(),
        case_id: caseId,
        key: task.key,
        task_id: task.taskId,
        kind: task.kind,
        state: task.state,
        due_at: new Date(task.due).toISOString(),
        assignee: JSON.stringify(task.assignee),
        assignee_role: task.assignee.role,
        assignee_agency: task.assignee.agency ?? null,
        escalation: JSON.stringify(task.escalation),
        label: JSON.stringify(task.label),
        occurrence: task.occurrence,
        created_at: h.at,
        // Delivery (issue 4): rung 0 of the ladder waits in the outbox for the relay.
        next_step: delivery.nextStep,
        next_at: delivery.nextAt,
      });
    }
    for (const c of w.consents) {
      s.insertConsent.run({
        case_id: caseId,
        scope: c.scope,
        given: c.given ? 1 : 0,
        method: c.method,
        interpreter_used: c.interpreterUsed === undefined ? null : c.interpreterUsed ? 1 : 0,
        at: c.at,
        actor: c.actor,
        guardian: c.guardian
          ? this.codec.encode(aad.consentGuardian(caseId, c.at, c.scope), c.guardian)
          : null,
        purpose: c.purpose ?? null,
      });
    }
    if (w.cancelStates.length > 0 || w.schedule.length > 0) s.refreshNextDue.run(caseId);
  }

  private readAggregate(id: string): CaseAggregate | undefined {
    const row = this.statements.getCase.get(id) as Record<string, unknown> | undefined;
    if (!row) return undefined;
    return {
      case: toCase(row, this.codec),
      openTasks: (this.statements.openTasks.all(id) as Record<string, unknown>[]).map((row) =>
        toTask(row, this.codec),
      ),
      consents: (this.statements.consents.all(id) as Record<string, unknown>[]).map((row) =>
        toConsent(row, this.codec),
      ),
    };
  }

  private listStatement(sql: string): Database.Statement {
    let statement = this.listStatements.get(sql);
    if (!statement) {
      statement = this.sqlite.prepare(sql);
      this.listStatements.set(sql, statement);
    }
    return statement;
  }
}

/** Merges two lists of rows sorted by id, newest first, into the first `limit` rows. */
function mergeNewestFirst(
  a: Record<string, unknown>[],
  b: Record<string, unknown>[],
  limit: number,
): Record<string, unknown>[] {
  const merged: Record<string, unknown>[] = [];
  let i = 0;
  let j = 0;
  while (merged.length < limit && (i < a.length || j < b.length)) {
    const takeA = j >= b.length || (i < a.length && (a[i]!.id as string) > (b[j]!.id as string));
    merged.push(takeA ? a[i++]! : b[j++]!);
  }
  return merged;
}

function prepare(sqlite: Database.Database) {
  return {
    // The sealed values come along by primary key; they are opened only if something reads them.
    getCase: sqlite.prepare(
      "SELECT c.*, p.person, p.identification FROM cases c JOIN case_personal p ON p.case_id = c.id WHERE c.id = ?",
    ),
    // INDEXED BY: without statistics the planner picked `tasks_status_next_at (status=?)` and walked
    // every open task of the store (0.5 ms per event with 1,200 tasks; it grows with the store).
    openTasks: sqlite.prepare(
      "SELECT * FROM tasks INDEXED BY tasks_case_open_key WHERE case_id = ? AND status = 'open' ORDER BY due_at, id",
    ),
    consents: sqlite.prepare("SELECT * FROM consents WHERE case_id = ? ORDER BY id"),
    history: sqlite.prepare("SELECT * FROM case_history WHERE case_id = ? ORDER BY seq"),
    getTask: sqlite.prepare("SELECT * FROM tasks WHERE id = ?"),
    insertCase: sqlite.prepare(
      `INSERT INTO cases (id, country, pathway_version, stage, state, snapshot, revision, assignee, agency, sex, nationality, age_band, created_at, updated_at, outcome)
       VALUES (@id, @country, @pathway_version, @stage, @state, @snapshot, @revision, @assignee, @agency, @sex, @nationality, @age_band, @created_at, @updated_at, @outcome)`,
    ),
    insertPersonal: sqlite.prepare(
      "INSERT INTO case_personal (case_id, person, identification) VALUES (@case_id, @person, @identification)",
    ),
    swapCase: sqlite.prepare(
      `UPDATE cases SET revision = @revision, stage = @stage, state = @state, snapshot = @snapshot, updated_at = @updated_at, outcome = @outcome
       WHERE id = @id AND revision = @expected`,
    ),
    insertHistory: sqlite.prepare(
      `INSERT INTO case_history (case_id, seq, event_type, data, personal_fields, personal_data, from_state, to_state, actor, at, pathway_version)
       VALUES (@case_id, @seq, @event_type, @data, @personal_fields, @personal_data, @from_state, @to_state, @actor, @at, @pathway_version)`,
    ),
    cancelTasks: sqlite.prepare(
      "UPDATE tasks INDEXED BY tasks_case_open_key SET status = 'cancelled', completed_at = @at WHERE case_id = @case_id AND state = @state AND status = 'open'",
    ),
    insertTask: sqlite.prepare(
      `INSERT INTO tasks (id, case_id, key, task_id, kind, state, status, due_at, assignee, assignee_role, assignee_agency, escalation, label, occurrence, created_at, next_step, next_at)
       VALUES (@id, @case_id, @key, @task_id, @kind, @state, 'open', @due_at, @assignee, @assignee_role, @assignee_agency, @escalation, @label, @occurrence, @created_at, @next_step, @next_at)`,
    ),
    insertConsent: sqlite.prepare(
      `INSERT INTO consents (case_id, scope, given, method, interpreter_used, at, actor, guardian, purpose)
       VALUES (@case_id, @scope, @given, @method, @interpreter_used, @at, @actor, @guardian, @purpose)`,
    ),
    refreshNextDue: sqlite.prepare(
      "UPDATE cases SET next_due_at = (SELECT min(due_at) FROM tasks INDEXED BY tasks_case_open_key WHERE case_id = cases.id AND status = 'open') WHERE id = ?",
    ),
    completeTask: sqlite.prepare(
      "UPDATE tasks SET status = 'done', completed_at = @completed_at, actor = @actor, note = @note WHERE id = @id AND status = 'open'",
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
