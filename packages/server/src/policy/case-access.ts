/**
 * Who may see a case: its owner agency and the agencies it was referred to. Read before any case or
 * task route runs, so a case out of reach is refused before the body is even validated.
 */

import type { CaseAccessRecord, CaseAccessRepository } from "../storage/case-access-repository.ts";
import { agencyKey } from "../storage/directory-repository.ts";
import type { CaseAccess } from "./decide.ts";

export interface CaseAccessOf extends CaseAccess {
  caseId: string;
}

/** How many cases' access lists are kept in memory (who owns them and who they were referred to). */
export const ACCESS_CACHE_SIZE = 4096;

/**
 * How long a case's access list is trusted without a new read. Grants change through the referral
 * and consent routes, which call `forget` in their own process; another API instance (or the CLI)
 * learns of the change when its entry expires: a referral ended or a consent withdrawn on one
 * instance stops opening the case on every instance within this time, the same bound as a revoked
 * token (`TOKEN_CACHE_MS`).
 */
export const ACCESS_CACHE_MS = 2000;

interface Kept {
  at: number;
  access: CaseAccessOf;
}

export class CaseAccessLookup {
  /** Case id → access, and when it was read. */
  private readonly cache = new Map<string, Kept>();

  constructor(
    private readonly access: CaseAccessRepository,
    private readonly now: () => number = Date.now,
  ) {}

  /** What is known of a case without reading, if it is recent enough. */
  cached(caseId: string): CaseAccessOf | undefined {
    const kept = this.cache.get(caseId);
    if (!kept) return undefined;
    const age = this.now() - kept.at;
    if (age >= ACCESS_CACHE_MS || age < 0) {
      this.cache.delete(caseId);
      return undefined;
    }
    return kept.access;
  }

  async forCase(caseId: string): Promise<CaseAccessOf | undefined> {
    const cached = this.cached(caseId);
    if (cached) return cached;
    const at = this.now();
    const access = build(await this.access.ofCase(caseId));
    if (access) {
      if (this.cache.size >= ACCESS_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(caseId, { at, access });
    }
    return access;
  }

  /** Drop what is known about a case (its grants changed). */
  forget(caseId: string): void {
    this.cache.delete(caseId);
  }

  async forTask(taskId: string): Promise<CaseAccessOf | undefined> {
    return build(await this.access.ofTask(taskId));
  }
}

function build(record: CaseAccessRecord | undefined): CaseAccessOf | undefined {
  if (!record) return undefined;
  return {
    caseId: record.caseId,
    // A case without an owner agency belongs to nobody: only referrals can open it up.
    ownerAgencyId: record.agency === null ? "" : agencyKey(record.country, record.agency),
    grantedAgencyIds: record.grantedAgencyIds,
  };
}
