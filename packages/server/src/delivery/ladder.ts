/**
 * The escalation ladder of a task, as delivery walks it. Pure: rung times were computed by the
 * engine (working days included) when the task was created; this file only decides which rung is
 * next, who receives it, and what a snooze does to the rungs still to come.
 */
import type { Assignee } from "@passerelle/definitions";
import type { ScheduledEscalation } from "@passerelle/engine";

/** What the `tasks` row carries for delivery: the next rung and when it fires. */
export interface NextRung {
  nextStep: number | null;
  nextAt: string | null;
}

/** Delivery fields for a newly created task: rung 0, waiting for the relay. */
export function initialDelivery(escalation: readonly ScheduledEscalation[]): NextRung {
  const first = escalation[0];
  return { nextStep: first ? first.step : null, nextAt: first ? first.at : null };
}

/** The rung after `step` (null when the ladder is exhausted). */
export function rungAfter(escalation: readonly ScheduledEscalation[], step: number): NextRung {
  const next = escalation.find((rung) => rung.step > step);
  return next ? { nextStep: next.step, nextAt: next.at } : { nextStep: null, nextAt: null };
}

/**
 * A supervisor's snooze: every rung before `until` moves to `until`. It postpones escalation, it
 * never reorders or skips a rung, and rungs already later keep their time.
 */
export function snoozeLadder(
  escalation: readonly ScheduledEscalation[],
  until: string,
): ScheduledEscalation[] {
  return escalation.map((rung) => ({ ...rung, at: latest(rung.at, until) }));
}

/**
 * A reassignment: rungs that named the previous assignee now name the new one, so the new holder is
 * reminded; rungs for other roles (supervisor, committee) stay as the pathway defined them.
 */
export function reassignLadder(
  escalation: readonly ScheduledEscalation[],
  from: Assignee,
  to: Assignee,
): ScheduledEscalation[] {
  return escalation.map((rung) => (sameAssignee(rung.notify, from) ? { ...rung, notify: to } : rung));
}

export function sameAssignee(a: Assignee, b: Assignee): boolean {
  return a.role === b.role && (a.agency ?? null) === (b.agency ?? null);
}

/** Rung 0 reminds; later rungs escalate. */
export function kindOf(step: number): "reminder" | "escalation" {
  return step === 0 ? "reminder" : "escalation";
}

/** Idempotency key of a rung, and the notification id receivers deduplicate on. */
export function notificationKey(taskId: string, step: number): string {
  return `${taskId}:${step}`;
}

/**
 * BullMQ job id of a rung at a given time. Derived, so re-enqueueing the same rung is a no-op in
 * Redis; the time is part of it so that a snoozed rung gets a new job (the old one finds the task
 * moved on and sends nothing). BullMQ forbids `:` in custom ids.
 */
export function jobIdOf(taskId: string, step: number, at: string): string {
  return `${taskId}.${step}.${Date.parse(at)}`;
}

function latest(a: string, b: string): string {
  return Date.parse(a) >= Date.parse(b) ? a : b;
}
