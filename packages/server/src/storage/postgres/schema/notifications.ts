import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * One row per reminder or escalation per channel: the delivery record, and the idempotency guard.
 * `key` is `<task id>:<ladder step>`; the unique (key, channel) index means a job delivered twice, or
 * by two workers at once, can never record (and so never send) a second notification.
 */
export const notifications = pgTable(
  "notifications",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    /** Idempotency key and the logical notification id in payloads: `<task id>:<step>`. */
    key: text("key").notNull(),
    taskId: text("task_id").notNull(),
    caseId: text("case_id").notNull(),
    /** 0-based rung of the task's escalation ladder. */
    step: integer("step").notNull(),
    /** `reminder` (rung 0), `escalation` (later rungs) or `notice` (`task_id` holds the notice id). */
    kind: text("kind", { enum: ["reminder", "escalation", "notice"] }).notNull(),
    /** Channel name: `log`, `webhook`, … */
    channel: text("channel").notNull(),
    recipientRole: text("recipient_role").notNull(),
    recipientAgency: text("recipient_agency"),
    /** sending: claimed by a worker until `claimedUntil`; failed: will be retried; dead: gave up. */
    status: text("status", { enum: ["sending", "sent", "failed", "dead"] }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    /** Last error of a failed attempt (no personal data: status codes and messages of the receiver). */
    lastError: text("last_error"),
    /** Lease of the worker sending it: another worker may take it over only after this instant. */
    claimedUntil: text("claimed_until"),
    createdAt: text("created_at").notNull(),
    sentAt: text("sent_at"),
  },
  (t) => [
    uniqueIndex("notifications_key_channel").on(t.key, t.channel),
    index("notifications_task").on(t.taskId),
    index("notifications_case").on(t.caseId),
    // Dead letters are few and operators list them: a partial index keeps that query cheap.
    index("notifications_dead").on(t.id).where(sql`${t.status} = 'dead'`),
  ],
);

/**
 * Supervisor and caseworker actions on a task other than the transition that created it: snooze,
 * reassign, complete — each with who, when and why.
 */
export const taskActions = pgTable(
  "task_actions",
  {
    id: integer("id").primaryKey().generatedByDefaultAsIdentity(),
    taskId: text("task_id").notNull(),
    caseId: text("case_id").notNull(),
    action: text("action", { enum: ["complete", "snooze", "reassign"] }).notNull(),
    actor: text("actor").notNull(),
    /** Free text reason or note; may be personal, never logged. */
    reason: text("reason"),
    /** What changed, as JSON (e.g. `{ from, to }` of a snooze or reassignment). */
    detail: text("detail").notNull().default("{}"),
    at: text("at").notNull(),
  },
  (t) => [index("task_actions_task").on(t.taskId)],
);
