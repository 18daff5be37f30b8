/**
 * Checks that the store can be used before the server says it is healthy. A database file the
 * server cannot write opens without complaint (SQLite falls back to read-only) and a damaged page
 * is found only by the request that reads it; both started "healthy" and then answered 500 — or,
 * with the damage in the audit log, failed silently. Each check names the file and the restore step
 * of docs/operations.md.
 */
import { accessSync, constants, existsSync } from "node:fs";
import { dirname } from "node:path";
import type Database from "better-sqlite3";

/** Where docs/operations.md says how to bring the store back. */
export const RESTORE_STEP = "docs/operations.md#restoring-the-store";

/** The store cannot be used: the message names the file, what is wrong and what to do. */
export class StoreUnusableError extends Error {
  constructor(
    readonly file: string,
    readonly reason: string,
    advice: string,
  ) {
    super(`The store ${file} ${reason}. ${advice} (${RESTORE_STEP}).`);
    this.name = "StoreUnusableError";
  }
}

const WRITE_ADVICE =
  "The server writes every request's audit entry: give the server's user write access to the file, its -wal and -shm companions and its folder (and check that the disk is not mounted read-only), or restore the store from a backup";

/**
 * Tries a write, rolled back, on the connection: the only test that sees every reason a write can
 * fail (file mode, an immutable file, a read-only mount, a file opened read-only by SQLite).
 */
export function assertWritable(sqlite: Database.Database, file: string): void {
  try {
    sqlite.exec("BEGIN IMMEDIATE");
    try {
      const version = sqlite.pragma("user_version", { simple: true }) as number;
      sqlite.pragma(`user_version = ${version}`);
    } finally {
      sqlite.exec("ROLLBACK");
    }
  } catch (error) {
    throw new StoreUnusableError(file, `cannot be written (${(error as Error).message})`, WRITE_ADVICE);
  }
}

/**
 * Cheap, lock-free and repeatable (for /health): whether the file, its write-ahead log and its
 * folder are writable now. The kernel answers this for an immutable file and a read-only mount too,
 * even to root.
 */
export function writableNow(file: string): { ok: true } | { ok: false; reason: string } {
  for (const path of [file, `${file}-wal`, `${file}-shm`, dirname(file)]) {
    if (path !== dirname(file) && path !== file && !existsSync(path)) continue;
    try {
      accessSync(path, constants.W_OK);
    } catch (error) {
      return { ok: false, reason: `${path} is not writable (${(error as NodeJS.ErrnoException).code})` };
    }
  }
  return { ok: true };
}

/**
 * SQLite's `quick_check`: every page of every table and index is read and its structure checked
 * (not that each index matches its table, which `integrity_check` adds at several times the cost).
 * Measured in docs/operations.md; it runs once, at start.
 */
export function assertStructureIntact(sqlite: Database.Database, file: string): void {
  let problems: string[];
  try {
    problems = (sqlite.pragma("quick_check(5)") as { quick_check: string }[]).map((row) => row.quick_check);
  } catch (error) {
    problems = [(error as Error).message];
  }
  if (problems.length === 1 && problems[0] === "ok") return;
  throw new StoreUnusableError(
    file,
    `is damaged (${problems.join("; ")})`,
    "Stop, keep the damaged file aside for analysis, and restore the latest backup",
  );
}
