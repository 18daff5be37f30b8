/**
 * What a supervisor does to a task besides completing it:
 * - snooze: postpones the due time and the rungs before it, with a reason;
 * - reassign: gives the task to another role or agency, with a reason; the rungs that reminded the
 *   previous assignee now remind the new one.
 * Each change is one transaction with its action record, and puts the task's next rung back in the
 * outbox, so the relay queues a fresh job (a snoozed rung has a new job id; the old job finds the
 * task moved on and sends nothing).
 */

import type { Assignee } from "@passerelle/definitions";
import type { Storage } from "../storage/storage.ts";
import { reassignLadder, snoozeLadder } from "./ladder.ts";

export type TaskChangeResult =
  | { status: "changed"; caseId: string }
  | { status: "notFound" }
  | { status: "notOpen"; taskStatus: string };

export class TaskActions {
  constructor(private readonly storage: Storage) {}

  /** Postpones the task to `until`: due time, and every rung before it (see `snoozeLadder`). */
  snooze(
    taskId: string,
    input: { until: string; actor: string; reason: string; at: string },
  ): Promise<TaskChangeResult> {
    return this.storage.transaction(async (tx): Promise<TaskChangeResult> => {
      const task = await tx.tasks.ladder(taskId);
      if (!task) return { status: "notFound" };
      if (task.status !== "open") return { status: "notOpen", taskStatus: task.status };
      const ladder = snoozeLadder(task.escalation, input.until);
      const dueAt = Date.parse(task.dueAt) >= Date.parse(input.until) ? task.dueAt : input.until;
      const next = ladder.find((rung) => rung.step === task.nextStep);
      await tx.tasks.reschedule(taskId, { dueAt, escalation: ladder, nextAt: next ? next.at : null });
      await tx.tasks.recordAction({
        taskId,
        caseId: task.caseId,
        action: "snooze",
        actor: input.actor,
        reason: input.reason,
        detail: { fromDueAt: task.dueAt, toDueAt: dueAt, until: input.until },
        at: input.at,
      });
      return { status: "changed", caseId: task.caseId };
    });
  }

  /** Gives the task to another role/agency; rungs that reminded the previous assignee follow. */
  reassign(
    taskId: string,
    input: { to: Assignee; actor: string; reason: string; at: string },
  ): Promise<TaskChangeResult> {
    return this.storage.transaction(async (tx): Promise<TaskChangeResult> => {
      const task = await tx.tasks.ladder(taskId);
      if (!task) return { status: "notFound" };
      if (task.status !== "open") return { status: "notOpen", taskStatus: task.status };
      const ladder = reassignLadder(task.escalation, task.assignee, input.to);
      await tx.tasks.reassign(taskId, { assignee: input.to, escalation: ladder });
      await tx.tasks.recordAction({
        taskId,
        caseId: task.caseId,
        action: "reassign",
        actor: input.actor,
        reason: input.reason,
        detail: { from: task.assignee, to: input.to },
        at: input.at,
      });
      return { status: "changed", caseId: task.caseId };
    });
  }
}
