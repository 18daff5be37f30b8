import { sql } from "drizzle-orm";
import { index, integer, pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * Deadlines and follow-ups as rows with an absolute due time (we own the timers: nothing lives in
 * memory). Created by `scheduleTask` effects, cancelled by `cancelTasks` when the state is left.
 */
export const tasks = pgTable(
  "tasks",
  {
    id: text("id").primaryKey(),
    caseId: text("case_id").notNull(),
    /** `<state path>/<task id>[#n]`, unique within the case. */
    key: text("key").notNull(),
    taskId: text("task_id").notNull(),
    kind: text("kind").notNull(),
    /** The state whose entry created the task; leaving it cancels the task. */
    state: text("state").notNull(),
    status: text("status", { enum: ["open", "done", "cancelled"] }).notNull(),
    dueAt: text("due_at").notNull(),
    /** `{ role, agency? }` as JSON. */
    assignee: text("assignee").notNull(),
    /** Role of the assignee, copied out of `assignee` for the `assignee` filter. */
    assigneeRole: text("assignee_role").notNull(),
    assigneeAgency: text("assignee_agency"),
    /** Escalation ladder with absolute times, as JSON. */
    escalation: text("escalation").notNull(),
    label: text("label").notNull(),
    occurrence: integer("occurrence").notNull(),
    createdAt: text("created_at").notNull(),
    completedAt: text("completed_at"),
    actor: text("actor"),
    note: text("note"),
    /** Delivery: next rung of the ladder to send; null when none is left. */
    nextStep: integer("next_step"),
    /** Delivery: when the next rung fires (ISO); null with `nextStep`. */
    nextAt: text("next_at"),
    /** Delivery outbox: when the relay queued the next rung; null = waiting for the relay. */
    nextQueuedAt: text("next_queued_at"),
  },
  (t) => [
    // A key is unique among the case's open tasks; a state entered again later opens a new row.
    uniqueIndex("tasks_case_open_key").on(t.caseId, t.key).where(sql`${t.status} = 'open'`),
    // The reminder worker's query: open tasks by due time.
    index("tasks_open_due").on(t.dueAt).where(sql`${t.status} = 'open'`),
    index("tasks_status_id").on(t.status, t.id),
    index("tasks_role_status_id").on(t.assigneeRole, t.status, t.id),
    // Delivery: the sweep and the in-process scheduler read open tasks by next firing time.
    index("tasks_status_next_at").on(t.status, t.nextAt),
    // Delivery outbox: rungs the relay has not yet put on the queue.
    index("tasks_outbox").on(t.nextAt).where(sql`${t.nextQueuedAt} is null and ${t.status} = 'open'`),
  ],
);
