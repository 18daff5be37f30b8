/**
 * Adds a publish-lock entry for every newly published pathway version:
 *   pnpm --filter @passerelle/definitions lock [pathways-dir]
 * Refuses (and writes nothing) when a published version changed, went back to draft or was deleted:
 * a published version is immutable; publish a new version instead.
 */
import { join, resolve } from "node:path";
import { readLock, updateLock, writeLock } from "../src/publish-lock.ts";
import { PATHWAYS_DIR, shippedPathwayFiles } from "../src/shipped.ts";

const dir = process.argv[2] === undefined ? PATHWAYS_DIR : resolve(process.argv[2]);
const lockFile = join(dir, "published.lock.json");

const result = updateLock(shippedPathwayFiles(dir), readLock(lockFile));
if (!result.ok) {
  for (const problem of result.problems) console.error(`error: ${problem.message}`);
  console.error("The publish lock was not changed.");
  process.exit(1);
}
writeLock(result.lock, lockFile);
if (result.added.length === 0) console.log(`${lockFile}: nothing newly published`);
for (const key of result.added) console.log(`locked ${key} ${result.lock[key]}`);
