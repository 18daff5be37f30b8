/**
 * Adds a publish-lock entry for every newly published pathway version:
 *   pnpm --filter @passerelle/definitions lock
 * Refuses (and writes nothing) when a published version changed, went back to draft or was deleted:
 * a published version is immutable; publish a new version instead.
 */
import { LOCK_FILE, readLock, updateLock, writeLock } from "../src/publish-lock.ts";
import { shippedPathwayFiles } from "../src/shipped.ts";

const result = updateLock(shippedPathwayFiles(), readLock());
if (!result.ok) {
  for (const problem of result.problems) console.error(`error: ${problem.message}`);
  console.error("The publish lock was not changed.");
  process.exit(1);
}
writeLock(result.lock);
if (result.added.length === 0) console.log(`${LOCK_FILE}: nothing newly published`);
for (const key of result.added) console.log(`locked ${key} ${result.lock[key]}`);
