/**
 * A delivery channel: where reminders and escalations go. Log and webhook ship; email or SMS are
 * one more implementation of `Channel`. A channel sends or throws: retries, backoff, dead letters
 * and deduplication are the delivery handler's job, the same for every channel.
 */
import { z } from "zod";

const Recipient = z
  .object({
    role: z.string().describe("caseworker, supervisor or committee"),
    agency: z
      .string()
      .nullable()
      .describe("Agency id from the pathway; null = the agency that owns the case"),
    awaitingAccess: z
      .string()
      .optional()
      .describe(
        "The agency the pathway gives this work to, which cannot see the case yet: the owner is asked to refer the case (on consent) or reassign the task",
      ),
  })
  .describe("Who must act: a role at an agency, never a person's name");

/** What every channel receives. Carries the case id and the task, never the person's name. */
export const NotificationMessage = z
  .object({
    id: z
      .string()
      .describe("Logical notification id `<task id>:<step>`: the same on every retry, deduplicate on it"),
    type: z
      .enum(["reminder", "escalation"])
      .describe("reminder: rung 0 of the ladder; escalation: later rungs"),
    caseId: z.string().describe("Pseudonymous case id"),
    task: z
      .object({
        id: z.string().describe("Task id (GET /v1/tasks/{id})"),
        definitionId: z.string().describe("Task id in the pathway definition"),
        kind: z.string().describe("deadline, followUp or decision"),
        state: z.string().describe("State whose entry created the task"),
        dueAt: z.string().describe("ISO instant the task is due"),
        label: z.record(z.string(), z.string()).describe("Task label by language, from the pathway"),
      })
      .describe("The overdue task"),
    step: z.int().min(0).describe("0-based rung of the escalation ladder"),
    recipient: Recipient,
    firedAt: z.string().describe("ISO instant the notification was handed to the channel"),
  })
  .describe("A reminder or escalation as channels deliver it");
export type NotificationMessage = z.infer<typeof NotificationMessage>;

export interface Channel {
  /** Stored in `notifications.channel`; unique among the configured channels. */
  readonly name: string;
  /** Resolves when the channel accepted the message; throws (any error) when it did not. */
  send(message: NotificationMessage): Promise<void>;
}
