/**
 * How a commit becomes durable: the store's sync seam. The connection commits with
 * `synchronous = NORMAL` (COMMIT writes the log without waiting for the disk) and the group commit
 * calls `sync` after each COMMIT, before it answers anyone: one fdatasync of the WAL file, the very
 * sync `synchronous = FULL` would run inside COMMIT. It is ours rather than SQLite's so that a test
 * can put a disk that drops unsynced writes behind it (`durability.test.ts`) and fail when the sync
 * is removed or moved after the answer.
 *
 * Checkpoints (which copy the log into the database file) stay SQLite's: with NORMAL it syncs the
 * database file before it resets the log.
 */
import { closeSync, fdatasyncSync, openSync } from "node:fs";

export interface Durability {
  /** Makes every committed transaction durable; throws when the disk refused. */
  sync(): void;
  close(): void;
}

/** fdatasync of `<file>-wal`; nothing for an in-memory database. */
export class WalSync implements Durability {
  private fd: number | undefined;

  constructor(private readonly file: string) {}

  sync(): void {
    if (this.file === ":memory:" || this.file === "") return;
    // The WAL exists once a transaction committed; it stays the same file while the connection is
    // open (a reset rewrites it from the start, a size limit truncates it in place).
    this.fd ??= openSync(`${this.file}-wal`, "r+");
    fdatasyncSync(this.fd);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}
