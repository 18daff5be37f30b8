/**
 * Where the codec finds a case's salt (its values are sealed under a key derived from it). The store
 * implements it over its own table (`storage/sqlite/case-keys.ts`); erasing a case destroys its salt.
 */
export interface CaseSalts {
  of(caseId: string): Buffer | undefined;
}
