/**
 * The audit chain while one batch of the group commit holds the chain's lock (`group-commit.ts`).
 * From the lock to the batch's COMMIT no other instance can append, so:
 * - the head, read with the lock, stays true for the whole batch, moved by this batch's own appends only;
 * - the batch's entries need not be inserted one by one as they are appended: they are kept here
 *   and inserted together, by the statement of the events' swaps (`take`, `case-swaps.ts`) or just
 *   before the COMMIT (`flush`), in the same transaction. Nothing reads
 *   the audit log inside a write, and no row refers to an entry by a foreign key, so an entry that
 *   reaches its table a few statements later changes nothing but the number of round trips under
 *   the lock that every instance's writes queue behind (docs/performance.md, the PostgreSQL store).
 *
 * Writes of one batch may run at the same time (`independent` work, `group-commit.ts`): an append
 * links to the head and becomes the new head in one synchronous stretch, so two never link to the
 * same head. A write that fails inside its savepoint takes its entries with it: the batch puts the
 * chain back where it was before that write (`mark` / `restore`). A batch rolled back whole starts
 * over with a fresh `HeldChain`.
 */
import type { AuditEntry, AuditHead, LinkedEntry } from "../audit-repository.ts";
import { insertAuditEntries } from "./audit-repository.ts";
import type { PgTx } from "./open.ts";

export interface ChainMark {
  head: AuditHead | undefined;
  pending: number;
}

export class HeldChain {
  private pending: LinkedEntry[] = [];

  /** `head`: the chain's head, read when the batch took the lock (`group-commit.ts`). */
  constructor(private head: AuditHead | undefined) {}

  /**
   * Links an entry to the head and keeps it for `take` or `flush`. Synchronous from start to end:
   * no other append of the batch comes in between, so two never link to the same head.
   */
  append(link: (head: AuditHead | undefined) => LinkedEntry): AuditEntry {
    const linked = link(this.head);
    this.pending.push(linked);
    this.head = { seq: linked.entry.seq, hash: linked.entry.hash };
    return linked.entry;
  }

  /** The chain's last entry, with this batch's appends. */
  current(): AuditHead | undefined {
    return this.head;
  }

  /** Where the chain is now, to put it back if the write about to run is rolled back. */
  mark(): ChainMark {
    return { head: this.head, pending: this.pending.length };
  }

  restore(mark: ChainMark): void {
    this.head = mark.head;
    this.pending.length = mark.pending;
  }

  /**
   * The entries appended so far, handed to a statement that inserts them (`case-swaps.ts`). Not
   * with savepoints: `restore` could then no longer take back what a failed write appended.
   */
  take(): LinkedEntry[] {
    return this.pending.splice(0);
  }

  /** Inserts the entries appended so far, in the batch's transaction. */
  async flush(tx: PgTx): Promise<void> {
    await insertAuditEntries(tx, this.take());
  }
}
