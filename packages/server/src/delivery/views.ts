/** API views of delivery records: reminders and escalations sent, and actions taken on a task. */
import { z } from "zod";
import type { NotificationRecord } from "../storage/task-repository.ts";

export const NotificationView = z
  .object({
    id: z
      .string()
      .describe(
        "Logical notification id `<task id>:<step>`, or the notice id (the webhook's X-Passerelle-Delivery)",
      ),
    taskId: z.string().describe("Task id (task_…), or the notice id (ntc_…) of a notice"),
    caseId: z.string().describe("Case id"),
    step: z.number().int().describe("0-based rung of the escalation ladder"),
    kind: z
      .enum(["reminder", "escalation", "notice"])
      .describe(
        "reminder (rung 0), escalation, or notice (the case entered a state the recipient is responsible for)",
      ),
    channel: z.string().describe("log, webhook, …"),
    recipient: z
      .object({
        role: z.string().describe("Role notified"),
        agency: z.string().nullable().describe("Agency notified; null = the case's agency"),
      })
      .describe("Who was notified"),
    status: z
      .enum(["sending", "sent", "failed", "dead"])
      .describe("sending: in progress; sent; failed: will be retried; dead: gave up after the last attempt"),
    attempts: z.number().int().describe("Attempts made"),
    lastError: z.string().nullable().describe("Last failure (status code or network error), if any"),
    createdAt: z.string().describe("ISO instant of the first attempt"),
    sentAt: z.string().nullable().describe("ISO instant it was accepted by the channel"),
  })
  .describe("A reminder, escalation or notice, per channel");
export type NotificationView = z.infer<typeof NotificationView>;

export const TaskActionView = z
  .object({
    action: z.enum(["complete", "snooze", "reassign"]).describe("What was done"),
    actor: z.string().describe("Who did it"),
    hasReason: z
      .boolean()
      .describe("A reason was given; its text (free, may be personal) is in the audited person read"),
    detail: z
      .record(z.string(), z.unknown())
      .describe("What changed, e.g. from/to of a snooze or reassignment"),
    at: z.string().describe("ISO instant"),
  })
  .describe("A supervisor's or caseworker's action on a task");

export function notificationView(n: NotificationRecord): NotificationView {
  return {
    id: n.key,
    taskId: n.taskId,
    caseId: n.caseId,
    step: n.step,
    kind: n.kind,
    channel: n.channel,
    recipient: n.recipient,
    status: n.status,
    attempts: n.attempts,
    lastError: n.lastError,
    createdAt: n.createdAt,
    sentAt: n.sentAt,
  };
}
