/**
 * Answers that wait for the disk. The writer thread commits without waiting for fsync
 * (`synchronous = NORMAL`) and answers each batch with the number of its commit; the WAL sync
 * thread (`wal-sync-thread.mjs`) reports which commit is on disk. A batch's answer — success or
 * refusal, since a refusal too may describe state committed by others — is released only once its
 * commit is synced: no client hears of a write, nor of anything another write did, before it
 * would survive a power loss. The same guarantee as `synchronous = FULL`, without the fsync
 * blocking the writer.
 */

interface Held {
  commit: number;
  release: () => void;
  fail: (error: Error) => void;
}

export class DurableReplies {
  private synced = 0;
  /** Answers of commits not yet on disk, in commit order. */
  private held: Held[] = [];
  private failure: Error | undefined;

  /**
   * The answer of commit `commit` arrived (or a read that may show commit `commit`): released now
   * if it is on disk, else once it is.
   */
  arrived(commit: number, release: () => void, fail: (error: Error) => void): void {
    if (this.failure) fail(this.failure);
    else if (commit <= this.synced) release();
    else {
      // In commit order: reads join with commits older than batches already held.
      let at = this.held.length;
      while (at > 0 && this.held[at - 1]!.commit > commit) at--;
      this.held.splice(at, 0, { commit, release, fail });
    }
  }

  /** Whether commit `commit` is on disk (and no sync failed). */
  isSynced(commit: number): boolean {
    return this.failure === undefined && commit <= this.synced;
  }

  /** Every commit up to `commit` is on disk. */
  syncedUpTo(commit: number): void {
    if (commit <= this.synced) return;
    this.synced = commit;
    let n = 0;
    while (n < this.held.length && this.held[n]!.commit <= commit) n++;
    for (const held of this.held.splice(0, n)) held.release();
  }

  /** A sync failed: nothing held, and nothing later, is ever acknowledged. */
  failed(error: Error): void {
    this.failure ??= error;
    for (const held of this.held.splice(0)) held.fail(this.failure);
  }

  /** How many answers wait for the disk. */
  get waiting(): number {
    return this.held.length;
  }
}
