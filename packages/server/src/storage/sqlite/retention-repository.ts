import type Database from "better-sqlite3";
import { aad, isSealed, type PersonalDataCodec } from "../../crypto/personal-data-codec.ts";
import { type ClosedCase, ERASED_PERSON, type RetentionRepository } from "../retention-repository.ts";
import { caseKeyWrites } from "./case-keys.ts";

type Row = Record<string, unknown>;

export class SqliteRetentionRepository implements RetentionRepository {
  private readonly s: ReturnType<typeof prepare>;
  private readonly keys: ReturnType<typeof caseKeyWrites>;

  constructor(
    sqlite: Database.Database,
    private readonly codec: PersonalDataCodec,
  ) {
    this.s = prepare(sqlite);
    this.keys = caseKeyWrites(sqlite);
  }

  async closedWithPersonalData(): Promise<ClosedCase[]> {
    return (this.s.closed.all(ERASED_PERSON) as Row[]).map((r) => ({
      caseId: r.id as string,
      country: r.country as string,
      pathwayVersion: r.pathway_version as number,
      closedAt: r.updated_at as string,
    }));
  }

  async identificationOf(caseId: string): Promise<Record<string, unknown> | undefined> {
    const stored = this.s.identification.get(caseId) as string | undefined;
    if (stored === undefined || (isSealed(stored) && !this.codec.sealing)) return undefined;
    return this.codec.decode<Record<string, unknown>>(aad.identification(caseId), stored);
  }

  async erase(caseId: string, keptIdentification: Record<string, unknown>): Promise<void> {
    this.s.person.run(ERASED_PERSON, JSON.stringify(keptIdentification), caseId);
    this.s.history.run(caseId);
    this.s.guardians.run(caseId);
    this.s.notes.run(caseId);
    this.s.actions.run(caseId);
    // Crypto-erasure: without its salt, no key opens a copy of the case's sealed values.
    this.keys.destroy(caseId);
  }
}

function prepare(sqlite: Database.Database) {
  return {
    closed: sqlite.prepare(
      "SELECT c.id, c.country, c.pathway_version, c.updated_at FROM cases c JOIN case_personal p ON p.case_id = c.id WHERE c.stage = 'closed' AND p.person <> ? ORDER BY c.id",
    ),
    identification: sqlite.prepare("SELECT identification FROM case_personal WHERE case_id = ?").pluck(),
    person: sqlite.prepare("UPDATE case_personal SET person = ?, identification = ? WHERE case_id = ?"),
    history: sqlite.prepare("UPDATE case_history SET personal_data = NULL WHERE case_id = ?"),
    guardians: sqlite.prepare("UPDATE consents SET guardian = NULL, purpose = NULL WHERE case_id = ?"),
    notes: sqlite.prepare("UPDATE tasks SET note = NULL WHERE case_id = ?"),
    actions: sqlite.prepare("UPDATE task_actions SET reason = NULL WHERE case_id = ?"),
  };
}
