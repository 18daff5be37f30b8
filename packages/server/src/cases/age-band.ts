import type { PersonAttributes } from "@passerelle/engine";

/** CTDC age bands, by the first age above each band. */
const BANDS: ReadonlyArray<readonly [below: number, band: string]> = [
  [9, "0--8"],
  [18, "9--17"],
  [21, "18--20"],
  [24, "21--23"],
  [27, "24--26"],
  [30, "27--29"],
  [39, "30--38"],
  [48, "39--47"],
];

/**
 * The CTDC age band a case is counted in, computed by the server on the day the case opens: from
 * the birth date, or null (unknown) when there is none or the age is uncertain — an estimated date
 * would put a presumed child in an adult band.
 */
export function ageBandOf(person: PersonAttributes, on: Date): string | null {
  if (!person.birthDate || person.ageUncertain) return null;
  const b = new Date(`${person.birthDate}T00:00:00Z`);
  let age = on.getUTCFullYear() - b.getUTCFullYear();
  const beforeBirthday =
    on.getUTCMonth() < b.getUTCMonth() ||
    (on.getUTCMonth() === b.getUTCMonth() && on.getUTCDate() < b.getUTCDate());
  if (beforeBirthday) age -= 1;
  if (age < 0) return null;
  for (const [below, band] of BANDS) if (age < below) return band;
  return "48+";
}
