/**
 * What people do to a task: complete it, and what a supervisor does besides:
 * - snooze: postpones the due time and the rungs before it, with a reason;
 * - reassign: gives the task to another role or agency, with a reason; the rungs that reminded the
 *   previous assignee now remind the new one.
 * Each change is one transaction with its action record, and puts the task's next rung back in the
 * outbox, so the relay queues a fresh job (a snoozed rung has a new job id; the old job finds the
 * task moved on and sends nothing).
 */

import type { Assignee } from "@passerelle/definitions";
import { appendAudit } from "../audit/audit-trail.ts";
import type { AuditDraft } from "../storage/audit-repository.ts";
import type { CompleteTaskResult } from "../storage/case-store.ts";
import type { Storage } from "../storage/storage.ts";
import { reassignLadder, snoozeLadder } from "./ladder.ts";

export type TaskChangeResult =
  | { status: "changed"; caseId: string }
  | { status: "notFound" }
  | { status: "notOpen"; taskStatus: string };

export class TaskActions {
  constructor(private readonly storage: Storage) {}

  /** Completes an open task (with an optional note, sealed) and its audit entry, in one transaction. */
  complete(
    taskId: string,
    input: { note?: string; actor: string; at: string; audit?: AuditDraft },
  ): Promise<CompleteTaskResult> {
    const { audit, ...completion } = input;
    return this.storage.transaction(async (tx) => {
      const result = await tx.cases.completeTask(taskId, completion);
      if (result.status === "completed" && audit)
        await appendAudit(tx.audit, audit, { at: input.at, targetId: result.task.caseId });
      return result;
    });
  }

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
