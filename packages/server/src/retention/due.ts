import type { Pathway } from "@passerelle/definitions";
import { addDuration } from "@passerelle/engine";

/**
 * When a closed case's personal data falls due for erasure: closure + the pathway's
 * `retention.personalDataAfterClosure` (calendar or working days, in the pathway's calendar).
 * Undefined when the pathway sets no period — then nothing is erased automatically, and the docs ask
 * the committee to set one.
 */
export function erasureDueAt(pathway: Pathway, closedAt: Date): Date | undefined {
  const period = pathway.retention?.personalDataAfterClosure;
  if (!period) return undefined;
  return addDuration(closedAt, period, pathway);
}

/** Whether the personal data of a case closed at `closedAt` must be erased at `now`. */
export function isErasureDue(pathway: Pathway, closedAt: Date, now: Date): boolean {
  const due = erasureDueAt(pathway, closedAt);
  return due !== undefined && due.getTime() <= now.getTime();
}
