/**
 * Test helper of the SQLite store: the audit log of a bare SQLite connection, synchronous, through
 * the store's own audit repository, for tests that build, damage or reopen a database file without
 * a server (truncation, rewrites, migrations of old files). The server and the CLI append and verify
 * through `audit-trail.ts` over the storage seam.
 */
import type Database from "better-sqlite3";
import {
  type AuditOverrides,
  ChainWalk,
  draftFields,
  type VerifyOptions,
  type VerifyResult,
} from "../../audit/audit-trail.ts";
import { CHAIN_START, type ChainCursor, chainEntryWithDetails } from "../../audit/chain.ts";
import type { AuditDraft, AuditEntry, AuditQuery } from "../audit-repository.ts";
import { SqliteAuditRepository } from "./audit-repository.ts";

export type { VerifyResult } from "../../audit/audit-trail.ts";
export type { AuditDraft, AuditQuery } from "../audit-repository.ts";

export class AuditLog {
  private readonly rows: SqliteAuditRepository;

  /** `chainKey`: the keyring's audit key (HMAC chain); none only without protections. */
  constructor(
    private readonly sqlite: Database.Database,
    private readonly chainKey?: Buffer,
  ) {
    this.rows = new SqliteAuditRepository(sqlite, chainKey);
  }

  /** Append one entry inside the current write transaction (see the module comment). */
  appendInTransaction(draft: AuditDraft, set?: AuditOverrides): AuditEntry {
    const head = this.rows.headForAppendNow();
    const { entry, detailsJson } = chainEntryWithDetails(head, draftFields(draft, set), this.chainKey);
    this.rows.insertNow(entry, detailsJson);
    return entry;
  }

  /** Append in a transaction of its own. */
  append(draft: AuditDraft): AuditEntry {
    return this.sqlite.transaction(() => this.appendInTransaction(draft)).immediate();
  }

  list(query: AuditQuery): AuditEntry[] {
    return this.rows.listNow(query);
  }

  /** Walk the whole chain in pages; report the first broken link. */
  verify(options: VerifyOptions = {}): VerifyResult {
    const walk = new ChainWalk(options, this.chainKey);
    for (;;) {
      const page = this.rows.pageNow(walk.cursor.seq, walk.pageSize);
      if (page.length === 0) return walk.end();
      const broken = walk.check(page);
      if (broken) return broken;
    }
  }

  /** The chain's last entry, unverified. */
  head(): ChainCursor {
    return this.rows.headNow() ?? CHAIN_START;
  }

  /** The chain's key, for signing checkpoints of its head (undefined without protections). */
  get key(): Buffer | undefined {
    return this.chainKey;
  }
}
