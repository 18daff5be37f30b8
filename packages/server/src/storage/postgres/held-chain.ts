/**
 * The audit chain while one batch of the group commit holds the chain's lock (`group-commit.ts`).
 * From the lock to the batch's COMMIT no other instance can append, so:
 * - the head, read once, stays true for the whole batch, moved by this batch's own appends only;
 * - the batch's entries need not be inserted one by one as they are appended: they are kept here
 *   and inserted together (`flush`) just before the COMMIT, in the same transaction. Nothing reads
 *   the audit log inside a write, and no row refers to an entry by a foreign key, so an entry that
 *   reaches its table a few statements later changes nothing but the number of round trips under
 *   the lock that every instance's writes queue behind (docs/performance.md, the PostgreSQL store).
 *
 * A write that fails inside its savepoint takes its entries with it: the batch puts the chain back
 * where it was before that write (`mark` / `restore`). A batch rolled back whole starts over with a
 * fresh `HeldChain`.
 */
import type { AuditEntry, AuditHead } from "../audit-repository.ts";
import { insertAuditEntries } from "./audit-repository.ts";
import type { PgTx } from "./open.ts";

export interface AppendedEntry {
  entry: AuditEntry;
  detailsJson: string | null;
}

export interface ChainMark {
  known: boolean;
  head: AuditHead | undefined;
  pending: number;
}

export class HeldChain {
  private known = false;
  private head: AuditHead | undefined;
  private pending: AppendedEntry[] = [];

  /** The head, read by `read` the first time (after the lock is granted: `read` must run in the batch). */
  async current(read: () => Promise<AuditHead | undefined>): Promise<AuditHead | undefined> {
    if (!this.known) {
      this.head = await read();
      this.known = true;
    }
    return this.head;
  }

  /** An entry this batch appended: the new head, inserted by `flush`. */
  append(appended: AppendedEntry): void {
    this.pending.push(appended);
    this.head = { seq: appended.entry.seq, hash: appended.entry.hash };
    this.known = true;
  }

  /** Where the chain is now, to put it back if the write about to run is rolled back. */
  mark(): ChainMark {
    return { known: this.known, head: this.head, pending: this.pending.length };
  }

  restore(mark: ChainMark): void {
    this.known = mark.known;
    this.head = mark.head;
    this.pending.length = mark.pending;
  }

  /** Inserts the entries appended so far, in the batch's transaction. */
  async flush(tx: PgTx): Promise<void> {
    const entries = this.pending.splice(0);
    if (entries.length > 0) await insertAuditEntries(tx, entries);
  }
}
