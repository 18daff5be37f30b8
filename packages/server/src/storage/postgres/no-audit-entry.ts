/**
 * Work that appends nothing to the audit chain (`TransactionOptions.noAuditEntry`) runs in a
 * transaction of its own on the pool, not in a batch of the group commit, which takes the chain's
 * lock before any work runs (`group-commit.ts`). That lock is what every audited write and read of
 * every instance queues behind: a batch's reads are time under it. Measured on the 1M-case
 * database, a reminder's claim reading a notification row and an access row from disk held it for
 * 300 ms, and every case read in that time waited as long (docs/performance.md, "Delivery outside
 * the chain's lock").
 *
 * The repositories such work gets have a chain that refuses appends: an entry it tried to write
 * would otherwise take the lock itself after its row writes, in the order the group commit avoids
 * (row locks, then the chain), and could deadlock with a batch holding the chain.
 */
import type { AuditHead, LinkedEntry } from "../audit-repository.ts";
import { HeldChain } from "./held-chain.ts";

/** An audit append from work run with `noAuditEntry`. */
export class AuditEntryRefused extends Error {
  constructor() {
    super("work run with noAuditEntry appended an audit entry");
  }
}

/** The chain of `noAuditEntry` work: every append fails with `AuditEntryRefused`. */
export class NoChain extends HeldChain {
  constructor() {
    super(undefined);
  }

  override append(_link: (head: AuditHead | undefined) => LinkedEntry): never {
    throw new AuditEntryRefused();
  }
}
