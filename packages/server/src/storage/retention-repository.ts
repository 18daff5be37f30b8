/**
 * What retention reads and erases. Which cases are due is the pathway's rule (`retention/`); the
 * repository finds closed cases still holding personal data and erases one: every personal value
 * of the case, and the case's salt (crypto-erasure: no key opens a copy of its sealed values after).
 */

/** Marker of an erased person: an empty object in the clear (nothing to seal). */
export const ERASED_PERSON = "{}";

export interface ClosedCase {
  caseId: string;
  country: string;
  pathwayVersion: number;
  /** When the case was closed (its last change). */
  closedAt: string;
}

export interface RetentionRepository {
  /** Closed cases whose person has not been erased yet, by id. */
  closedWithPersonalData(): Promise<ClosedCase[]>;
  /**
   * The case's identification, opened; undefined when it is sealed and this store has no key (then
   * nothing of it can be kept).
   */
  identificationOf(caseId: string): Promise<Record<string, unknown> | undefined>;
  /**
   * Erases the case's personal values (person, sealed event fields, guardians and consent purposes,
   * task notes, action reasons) and destroys its salt; `keptIdentification` (non-personal fields)
   * stays in the clear. Inside a transaction, with its audit entry.
   */
  erase(caseId: string, keptIdentification: Record<string, unknown>): Promise<void>;
}
