/**
 * Erase the personal data of closed cases whose retention period has passed. What remains is
 * anonymised: country, pathway version, stage and state, outcome, dates, sex, nationality, age band,
 * the non-personal event data and the task rows — enough for statistics, nothing that identifies
 * the person. Each erasure is audited in the same transaction.
 */
import { Pathway } from "@passerelle/definitions";
import { appendAudit } from "../audit/audit-trail.ts";
import type { Storage } from "../storage/storage.ts";
import { erasureDueAt } from "./due.ts";

export { ERASED_PERSON } from "../storage/retention-repository.ts";

/** What an erased case keeps of its identification: how and by whom, not where or who referred. */
const KEPT_IDENTIFICATION = ["date", "agency", "method"];

export interface RetentionCandidate {
  caseId: string;
  country: string;
  pathwayVersion: number;
  closedAt: string;
  dueAt: string;
}

export interface RetentionReport {
  /** Closed cases still holding personal data, with when they fall due. */
  due: RetentionCandidate[];
  /** Closed cases whose period has not passed, or whose pathway sets none. */
  kept: number;
  erased: number;
  /** Whether the store's own files were purged of the erased values (false: run again when quiet). */
  walTruncated?: boolean;
}

export async function applyRetention(
  storage: Storage,
  {
    now,
    dryRun,
    actor,
  }: {
    now: Date;
    dryRun: boolean;
    actor?: { userId: string | null; ip: string | null };
  },
): Promise<RetentionReport> {
  const pathways = new Map<string, Pathway | undefined>();
  const pathwayOf = async (country: string, version: number) => {
    const key = `${country}@${version}`;
    if (!pathways.has(key)) {
      const stored = await storage.getPathwayVersion(country, version);
      pathways.set(key, stored ? Pathway.parse(stored.definition) : undefined);
    }
    return pathways.get(key);
  };
  const report: RetentionReport = { due: [], kept: 0, erased: 0 };
  for (const c of await storage.retention.closedWithPersonalData()) {
    const pathway = await pathwayOf(c.country, c.pathwayVersion);
    const dueAt = pathway ? erasureDueAt(pathway, new Date(c.closedAt)) : undefined;
    if (!dueAt || dueAt.getTime() > now.getTime()) {
      report.kept += 1;
      continue;
    }
    report.due.push({ ...c, dueAt: dueAt.toISOString() });
  }
  if (dryRun || report.due.length === 0) return report;

  await storage.transaction(async (tx) => {
    for (const c of report.due) {
      const identification = (await tx.retention.identificationOf(c.caseId)) ?? {};
      const kept = Object.fromEntries(
        Object.entries(identification).filter(([k]) => KEPT_IDENTIFICATION.includes(k)),
      );
      await tx.retention.erase(c.caseId, kept);
      await appendAudit(tx.audit, {
        actorUserId: actor?.userId ?? null,
        actorAgencyId: null,
        actorRole: null,
        tokenId: null,
        action: "retention.erase",
        targetType: "case",
        targetId: c.caseId,
        outcome: "allowed",
        reason: "retention.personalDataAfterClosure",
        ip: actor?.ip ?? null,
        requestId: null,
        details: { closedAt: c.closedAt, dueAt: c.dueAt, pathway: `${c.country}@${c.pathwayVersion}` },
      });
    }
  });
  report.erased = report.due.length;
  report.walTruncated = await storage.purgeErased();
  return report;
}
