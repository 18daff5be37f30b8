/**
 * The read half of the SQLite store: a case with what its uses need, and need-to-know lists —
 * prepared on each connection that reads (the read-only one, and the writer while it is idle).
 */
import type Database from "better-sqlite3";
import type { PersonalDataCodec } from "../../crypto/personal-data-codec.ts";
import type { CaseFilter } from "../case-store.ts";
import type { CaseAggregate, CaseSummaryRecord } from "../records.ts";
import { SUMMARY_COLUMNS as SUMMARY_COLUMN_NAMES, type SummaryValues, summaryOfValues } from "./rows.ts";
import { StatementCache } from "./statement-cache.ts";
import { type CaseReadStatements, prepareCaseReads, readAggregate } from "./statements.ts";

const SUMMARY_COLUMNS = SUMMARY_COLUMN_NAMES.join(", ");

export class CaseReads {
  private readonly reads: CaseReadStatements;
  /**
   * List statements answering rows as arrays (`SUMMARY_COLUMNS` in order): better-sqlite3 builds
   * an object per row otherwise, 40 % of a 50-row page's time.
   */
  private readonly summaryStatements: StatementCache;

  constructor(
    sqlite: Database.Database,
    private readonly codec: PersonalDataCodec,
  ) {
    this.reads = prepareCaseReads(sqlite);
    this.summaryStatements = new StatementCache(sqlite, (statement) => statement.raw());
  }

  /**
   * The case row, its open tasks and its consents from one snapshot, without a transaction: they
   * are one statement (`statements.ts`), which SQLite runs in one read transaction of its own.
   */
  getCase(id: string): CaseAggregate | undefined {
    return readAggregate(this.reads, this.codec, id);
  }

  listCases(filter: CaseFilter): CaseSummaryRecord[] {
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
    return (this.summaryStatements.get(sql).all(...params) as SummaryValues[]).map(summaryOfValues);
  }

  /**
   * Need-to-know lists: the cases the agency owns and the cases referred to it, as two
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
    const ownedRows = this.summaryStatements
      .get(`SELECT ${SUMMARY_COLUMNS} FROM cases WHERE ${owned.join(" AND ")} ORDER BY id DESC LIMIT ?`)
      .all(...ownedParams) as SummaryValues[];

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
    const floor = ownedRows.length === filter.limit ? (ownedRows.at(-1)![0] as string) : undefined;
    if (floor !== undefined) {
      granted.push("g.case_id > ?");
      grantedParams.push(floor);
    }
    grantedParams.push(filter.limit);
    const columns = SUMMARY_COLUMN_NAMES.map((c) => `c.${c}`);
    const grantedRows = this.summaryStatements
      .get(
        `SELECT ${columns.join(", ")} FROM case_grants g CROSS JOIN cases c ON c.id = g.case_id WHERE ${granted.join(" AND ")} GROUP BY g.case_id ORDER BY g.case_id DESC LIMIT ?`,
      )
      .all(...grantedParams) as SummaryValues[];

    return mergeNewestFirst(ownedRows, grantedRows, filter.limit).map(summaryOfValues);
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
}

/** Merges two lists of rows sorted by id, newest first, into the first `limit` rows. */
function mergeNewestFirst(a: SummaryValues[], b: SummaryValues[], limit: number): SummaryValues[] {
  const merged: SummaryValues[] = [];
  let i = 0;
  let j = 0;
  while (merged.length < limit && (i < a.length || j < b.length)) {
    const takeA = j >= b.length || (i < a.length && (a[i]![0] as string) > (b[j]![0] as string));
    merged.push(takeA ? a[i++]! : b[j++]!);
  }
  return merged;
}
