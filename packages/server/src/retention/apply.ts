/**
 * Erase the personal data of closed cases whose retention period has passed. What remains is
 * anonymised: country, pathway version, stage and state, outcome, dates, sex, nationality, age band,
 * the non-personal event data and the task rows — enough for statistics, nothing that identifies
 * the person. Each erasure is audited in the same transaction.
 */
import { Pathway } from "@passerelle/definitions";
import type Database from "better-sqlite3";
import { AuditLog } from "../audit/audit-log.ts";
import { aad, isSealed, type PersonalDataCodec, PlainCodec } from "../crypto/personal-data-codec.ts";
import { caseKeyWrites } from "../storage/sqlite/case-keys.ts";
import { erasureDueAt } from "./due.ts";

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
  /** Whether the write-ahead log was emptied after the erasure (false: a reader held it; run again). */
  walTruncated?: boolean;
}

/** Marker of an erased person: an empty object in the clear (nothing to seal). */
export const ERASED_PERSON = "{}";

export function applyRetention(
  sqlite: Database.Database,
  {
    now,
    dryRun,
    actor,
    codec,
    auditKey,
  }: {
    now: Date;
    dryRun: boolean;
    actor?: { userId: string | null; ip: string | null };
    /** To read the sealed identification and keep its non-personal fields; without it they go too. */
    codec?: PersonalDataCodec;
    /** The audit chain's key (the keyring's), so the erasure's entry links like every other. */
    auditKey?: Buffer;
  },
): RetentionReport {
  const pathways = new Map<string, Pathway>();
  const pathwayOf = (country: string, version: number) => {
    const key = `${country}@${version}`;
    if (!pathways.has(key)) {
      const row = sqlite
        .prepare("SELECT definition FROM pathway_versions WHERE country = ? AND version = ?")
        .pluck()
        .get(country, version) as string | undefined;
      if (row) pathways.set(key, Pathway.parse(JSON.parse(row)));
    }
    return pathways.get(key);
  };
  const closed = sqlite
    .prepare(
      "SELECT c.id, c.country, c.pathway_version, c.updated_at FROM cases c JOIN case_personal p ON p.case_id = c.id WHERE c.stage = 'closed' AND p.person <> ? ORDER BY c.id",
    )
    .all(ERASED_PERSON) as { id: string; country: string; pathway_version: number; updated_at: string }[];
  const report: RetentionReport = { due: [], kept: 0, erased: 0 };
  for (const c of closed) {
    const pathway = pathwayOf(c.country, c.pathway_version);
    const dueAt = pathway ? erasureDueAt(pathway, new Date(c.updated_at)) : undefined;
    if (!dueAt || dueAt.getTime() > now.getTime()) {
      report.kept += 1;
      continue;
    }
    report.due.push({
      caseId: c.id,
      country: c.country,
      pathwayVersion: c.pathway_version,
      closedAt: c.updated_at,
      dueAt: dueAt.toISOString(),
    });
  }
  if (dryRun || report.due.length === 0) return report;

  const audit = new AuditLog(sqlite, auditKey);
  const s = {
    identification: sqlite.prepare("SELECT identification FROM case_personal WHERE case_id = ?").pluck(),
    person: sqlite.prepare("UPDATE case_personal SET person = ?, identification = ? WHERE case_id = ?"),
    history: sqlite.prepare("UPDATE case_history SET personal_data = NULL WHERE case_id = ?"),
    guardians: sqlite.prepare("UPDATE consents SET guardian = NULL, purpose = NULL WHERE case_id = ?"),
    notes: sqlite.prepare("UPDATE tasks SET note = NULL WHERE case_id = ?"),
    actions: sqlite.prepare("UPDATE task_actions SET reason = NULL WHERE case_id = ?"),
    keys: caseKeyWrites(sqlite),
  };
  sqlite
    .transaction(() => {
      for (const c of report.due) {
        const identification = keptIdentification(s.identification.get(c.caseId) as string, c.caseId, codec);
        s.person.run(ERASED_PERSON, JSON.stringify(identification), c.caseId);
        s.history.run(c.caseId);
        s.guardians.run(c.caseId);
        s.notes.run(c.caseId);
        s.actions.run(c.caseId);
        // Crypto-erasure: without its salt, no key opens a copy of the case's sealed values.
        s.keys.destroy(c.caseId);
        audit.appendInTransaction({
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
        report.erased += 1;
      }
    })
    .immediate();
  // The erased values' old pages are still frames of the WAL until a checkpoint copies the zeroed
  // pages back (secure_delete) and truncates it. A reader holding an old snapshot can delay it.
  const [checkpoint] = sqlite.pragma("wal_checkpoint(TRUNCATE)") as { busy: number }[];
  report.walTruncated = checkpoint?.busy === 0;
  return report;
}

/** The non-personal identification fields (date, agency, method); all of it when it cannot be read. */
function keptIdentification(
  stored: string,
  caseId: string,
  codec: PersonalDataCodec | undefined,
): Record<string, unknown> {
  if (isSealed(stored) && !codec?.sealing) return {};
  const parsed = (codec ?? new PlainCodec()).decode<Record<string, unknown>>(
    aad.identification(caseId),
    stored,
  );
  return Object.fromEntries(Object.entries(parsed).filter(([k]) => KEPT_IDENTIFICATION.includes(k)));
}
