/**
 * The audit trail over the storage seam: appends link each entry to the chain's head (`chain.ts`),
 * verification walks the whole chain. Appends run inside a transaction, with what they record: a
 * write and its audit entry commit together, or neither does.
 */
import type { AuditDraft, AuditEntry, AuditFields, AuditRepository } from "../storage/audit-repository.ts";
import {
  CHAIN_START,
  type ChainBreak,
  type ChainCursor,
  chainEntryWithDetails,
  verifyEntries,
} from "./chain.ts";

export type VerifyResult =
  | { ok: true; checked: number; head: ChainCursor }
  | { ok: false; checked: number; broken: ChainBreak };

export interface VerifyOptions {
  /**
   * Heads recorded outside the database (signed checkpoints, or a head an auditor noted): the log
   * must reach each of them with the same hash, else it was truncated or rewritten after that point.
   */
  knownHeads?: readonly ChainCursor[];
  pageSize?: number;
}

/** Fields replaced at append (the store fills in the target, a write's revision, an event's instant). */
export type AuditOverrides = Partial<Pick<AuditFields, "at" | "targetId" | "details">>;

/** The entry's fields: the draft with `set` applied, its time filled in. */
export function draftFields(draft: AuditDraft, set?: AuditOverrides): AuditFields {
  return {
    at: set?.at ?? draft.at ?? new Date().toISOString(),
    actorUserId: draft.actorUserId,
    actorAgencyId: draft.actorAgencyId,
    actorRole: draft.actorRole,
    tokenId: draft.tokenId,
    action: draft.action,
    targetType: draft.targetType,
    targetId: set?.targetId !== undefined ? set.targetId : draft.targetId,
    outcome: draft.outcome,
    reason: draft.reason,
    ip: draft.ip,
    requestId: draft.requestId,
    details: set?.details !== undefined ? set.details : draft.details,
  };
}

/** Appends one entry; `audit` must be a transaction's repository (see the module comment). */
export async function appendAudit(
  audit: AuditRepository,
  draft: AuditDraft,
  set?: AuditOverrides,
): Promise<AuditEntry> {
  const fields = draftFields(draft, set);
  return audit.append((head) => chainEntryWithDetails(head, fields, audit.chainKey));
}

/** The chain's last entry, unverified (for a checkpoint of what is there now). */
export async function auditHead(audit: AuditRepository): Promise<ChainCursor> {
  return (await audit.head()) ?? CHAIN_START;
}

/** Walks the whole chain in pages; reports the first broken link. */
export async function verifyAudit(
  audit: AuditRepository,
  options: VerifyOptions = {},
): Promise<VerifyResult> {
  const walk = new ChainWalk(options, audit.chainKey);
  for (;;) {
    const page = await audit.page(walk.cursor.seq, walk.pageSize);
    if (page.length === 0) return walk.end();
    const broken = walk.check(page);
    if (broken) return broken;
  }
}

/** A verification in progress, fed one page of entries at a time. */
export class ChainWalk {
  cursor: ChainCursor = CHAIN_START;
  readonly pageSize: number;
  private checked = 0;
  private readonly known: Map<number, string>;

  constructor(
    options: VerifyOptions,
    private readonly key: Buffer | undefined,
  ) {
    this.pageSize = options.pageSize ?? 5000;
    this.known = new Map((options.knownHeads ?? []).map((h) => [h.seq, h.hash]));
  }

  /** Checks the next page; the failed result at its first broken link, else undefined. */
  check(page: readonly AuditEntry[]): VerifyResult | undefined {
    const result = verifyEntries(page, this.cursor, this.key);
    this.checked += result.checked;
    if (!result.ok) return { ok: false, checked: this.checked, broken: result.broken };
    for (const entry of page) {
      const hash = this.known.get(entry.seq);
      if (hash !== undefined && hash !== entry.hash) {
        return {
          ok: false,
          checked: this.checked,
          broken: {
            seq: entry.seq,
            problem: "rewritten",
            message: "differs from the head recorded outside the database: the chain was rewritten",
          },
        };
      }
    }
    this.cursor = result.cursor;
    return undefined;
  }

  /** The result once no entry is left. */
  end(): VerifyResult {
    const beyond = [...this.known.keys()].filter((seq) => seq > this.cursor.seq).sort((a, b) => a - b)[0];
    if (beyond !== undefined) {
      return {
        ok: false,
        checked: this.checked,
        broken: {
          seq: beyond,
          problem: "truncated",
          message: `the log ends at entry ${this.cursor.seq}, before the head ${beyond} recorded outside the database`,
        },
      };
    }
    return { ok: true, checked: this.checked, head: this.cursor };
  }
}
