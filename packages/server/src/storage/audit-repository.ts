/**
 * The hash-chained audit log as stored. The chain (each entry's hash over the previous one) is
 * computed in `audit/`; the repository reads and writes entries, and serialises appends: the head
 * an append links to is read by `append` inside the transaction that inserts the entry.
 */

/** What an audit entry records: ids only, never a name or any personal field. */
export interface AuditFields {
  at: string;
  actorUserId: string | null;
  actorAgencyId: string | null;
  actorRole: string | null;
  tokenId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  outcome: "allowed" | "denied" | "failed";
  reason: string | null;
  ip: string | null;
  requestId: string | null;
  details: Record<string, unknown> | null;
}

/** A stored entry: fields plus its place in the chain. */
export interface AuditEntry extends AuditFields {
  /** 1-based, contiguous: a gap is a deleted entry. */
  seq: number;
  /** Hash of the previous entry (GENESIS for the first). */
  prevHash: string;
  hash: string;
}

/** An audit entry without its time: filled in at append. */
export type AuditDraft = Omit<AuditFields, "at"> & { at?: string };

/** The last entry of the chain. */
export interface AuditHead {
  seq: number;
  hash: string;
}

/** An entry linked to the head, with the canonical details its hash read (stored as they are). */
export interface LinkedEntry {
  entry: AuditEntry;
  detailsJson: string | null;
}

export interface AuditQuery {
  afterSeq?: number;
  limit: number;
  targetType?: string;
  targetId?: string;
  actorUserId?: string;
  /**
   * Only entries about this country: its agencies' actions, its cases, the users and tokens of its
   * agencies, its agencies.
   */
  country?: string;
}

export interface AuditRepository {
  /** The chain's HMAC key (from the keyring); undefined only for a store without protections. */
  readonly chainKey: Buffer | undefined;
  /**
   * Appends one entry: reads the head, stores what `link` (`audit/chain.ts`) makes of it, and
   * returns the entry. Only inside a transaction: from the head's read to the commit no other
   * append can come in between (the SQLite writer is single; PostgreSQL takes a lock), and none of
   * the same transaction either (`link` runs synchronously after the head is known).
   */
  append(link: (head: AuditHead | undefined) => LinkedEntry): Promise<AuditEntry>;
  /** The last entry, unverified (for a checkpoint of what is there now). */
  head(): Promise<AuditHead | undefined>;
  /** Entries in seq order matching the query, at most `limit`. */
  list(query: AuditQuery): Promise<AuditEntry[]>;
  /** Entries after `afterSeq` in seq order, at most `limit` (the verification walk). */
  page(afterSeq: number, limit: number): Promise<AuditEntry[]>;
}
