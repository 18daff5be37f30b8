/**
 * The advisory lock keys of the PostgreSQL store, fixed 64-bit numbers: the ASCII bytes `PASSERL`
 * and a byte naming the lock. Passed to PostgreSQL as strings (`$1::bigint`) because they are beyond
 * a JavaScript number's exact range. `pg_locks` shows a key as `classid` (high 32 bits) and `objid`
 * (low 32 bits).
 */

/**
 * Session lock held while migrations run (0x5041535345524c01), so that instances starting together
 * migrate once: the first takes it and migrates, the others wait, then find nothing to do.
 */
export const MIGRATION_LOCK_KEY = "5782995013630839809";

/**
 * Transaction lock taken before appending to the audit chain (0x5041535345524c02): appends from
 * every instance queue one after another, each reading the head the previous one committed, so the
 * chain never forks. Released by the transaction's commit or rollback.
 */
export const AUDIT_CHAIN_LOCK_KEY = "5782995013630839810";
