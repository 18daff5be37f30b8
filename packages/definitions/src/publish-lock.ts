import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { contentHash } from "./hash.ts";
import { PATHWAYS_DIR, type ShippedPathway } from "./shipped.ts";

/**
 * `pathways/published.lock.json` maps `COUNTRY@version` to the content hash of each published
 * version. Cases are pinned to a version, so a published version must never change and never
 * disappear: the lock is how tests and review catch both.
 */
export const LOCK_FILE = join(PATHWAYS_DIR, "published.lock.json");

export type PublishLock = Record<string, string>;

export interface LockProblem {
  /** `COUNTRY@version`. */
  key: string;
  message: string;
}

export const lockKey = (p: { country: string; version: number }): string => `${p.country}@${p.version}`;

export function readLock(file: string = LOCK_FILE): PublishLock {
  return existsSync(file) ? (JSON.parse(readFileSync(file, "utf8")) as PublishLock) : {};
}

/** Sorted keys, so that the lock diffs cleanly in review. */
export function writeLock(lock: PublishLock, file: string = LOCK_FILE): void {
  const sorted = Object.fromEntries(Object.entries(lock).sort(([a], [b]) => a.localeCompare(b)));
  writeFileSync(file, `${JSON.stringify(sorted, null, 2)}\n`);
}

const display = (file: string) => relative(process.cwd(), file) || file;

/**
 * What is wrong between the shipped files and the lock: a published version changed, went back to
 * draft, or was deleted. With `requireEntries`, a published version without an entry is wrong too
 * (the test demands it; the lock script adds it instead).
 */
export function checkLock(
  shipped: ShippedPathway[],
  lock: PublishLock,
  requireEntries = true,
): LockProblem[] {
  const problems: LockProblem[] = [];
  const present = new Set<string>();
  for (const { file, pathway } of shipped) {
    const key = lockKey(pathway);
    present.add(key);
    const locked = lock[key];
    if (pathway.status === "draft") {
      if (locked !== undefined) {
        problems.push({
          key,
          message: `${display(file)} was published as ${key} and is now a draft: a published version never changes; restore it and publish a new version instead`,
        });
      }
      continue;
    }
    const hash = contentHash(pathway);
    if (locked === undefined) {
      if (requireEntries) {
        problems.push({
          key,
          message: `${display(file)} is published but ${key} is not in the publish lock: run pnpm --filter @passerelle/definitions lock`,
        });
      }
    } else if (locked !== hash) {
      problems.push({
        key,
        message: `${display(file)} changed after ${key} was published (locked ${locked}, now ${hash}): a published version never changes; restore it and publish a new version instead of editing`,
      });
    }
  }
  for (const key of Object.keys(lock)) {
    if (!present.has(key)) {
      const [country, version] = key.split("@");
      problems.push({
        key,
        message: `${key} is in the publish lock but ${country}/${version}.yaml is gone: cases pinned to it must stay loadable; restore the file`,
      });
    }
  }
  return problems;
}

/**
 * The lock with an entry added for every newly published version. Never changes an existing entry:
 * when anything is wrong, returns the problems and leaves the lock as it was.
 */
export function updateLock(
  shipped: ShippedPathway[],
  lock: PublishLock,
): { ok: true; lock: PublishLock; added: string[] } | { ok: false; problems: LockProblem[] } {
  const problems = checkLock(shipped, lock, false);
  if (problems.length > 0) return { ok: false, problems };
  const next = { ...lock };
  const added: string[] = [];
  for (const { pathway } of shipped) {
    const key = lockKey(pathway);
    if (pathway.status === "published" && next[key] === undefined) {
      next[key] = contentHash(pathway);
      added.push(key);
    }
  }
  return { ok: true, lock: next, added };
}
