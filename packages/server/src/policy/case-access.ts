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

export class CaseAccessLookup {
  /**
   * Case id → access. Ownership never changes and grants change only through the referral and
   * consent routes, which call `forget`, so an entry stays right until then. (Several API
   * instances would need this cache dropped or shared — see docs/data-protection.md.)
   */
  private readonly cache = new Map<string, CaseAccessOf>();

  constructor(private readonly access: CaseAccessRepository) {}

  /** What is known of a case without reading, if anything. */
  cached(caseId: string): CaseAccessOf | undefined {
    return this.cache.get(caseId);
  }

  async forCase(caseId: string): Promise<CaseAccessOf | undefined> {
    const cached = this.cache.get(caseId);
    if (cached) return cached;
    const access = build(await this.access.ofCase(caseId));
    if (access) {
      if (this.cache.size >= ACCESS_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
      this.cache.set(caseId, access);
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
