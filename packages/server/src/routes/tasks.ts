/**
 * Tasks: the deadlines and follow-ups of every case; completing, snoozing and reassigning one; the
 * reminders and escalations delivery sent (on the task, on the case, and the dead letters).
 */
import { ASSIGNEE_ROLES, Duration } from "@passerelle/definitions";
import { addDuration } from "@passerelle/engine";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { auditDraft } from "../auth/request-audit.ts";
import { taskView } from "../cases/case-service.ts";
import { TaskView } from "../cases/case-view.ts";
import type { TaskChangeResult } from "../delivery/task-actions.ts";
import { NotificationView, notificationView, TaskActionView } from "../delivery/views.ts";
import { ApiProblem } from "../errors/problem.ts";
import { CASE_ID_PATTERN, TASK_ID_PATTERN } from "../ids.ts";
import { visibleTo } from "../policy/visible-to.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { problems } from "./responses.ts";

const ListQuery = z.object({
  status: z.enum(["open", "done", "cancelled"]).optional().describe("Task status"),
  overdue: z.stringbool().optional().describe("Only open tasks past due (true), or all others (false)"),
  assignee: z
    .string()
    .regex(/^(caseworker|supervisor|committee)(@[a-z0-9][a-z0-9-]*)?$/, {
      message: "must be a role, or role@agency",
    })
    .optional()
    .describe("Role, or role@agency"),
  agency: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]*$/)
    .optional()
    .describe("Agency of the assignee (any role), e.g. for an agency's overdue list"),
  country: z
    .string()
    .regex(/^[A-Z]{2,4}$/)
    .optional()
    .describe("Country of the task's case"),
  cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe("Page size (1–200, default 50)"),
});

const TaskParams = z.object({
  id: z.string().regex(TASK_ID_PATTERN, { message: "must be a task id (task_…)" }).describe("Task id"),
});

const Reason = z.string().trim().min(1).max(2000).describe("Why (free text; may be personal: never logged)");

const TaskDetailView = TaskView.extend({
  notifications: z.array(NotificationView).describe("Reminders and escalations sent for this task, by rung"),
  actions: z.array(TaskActionView).describe("Snoozes and reassignments, oldest first"),
}).describe("A task with its delivery record");

/** The longest snooze: a quarter, the usual review period of a support plan. */
export const MAX_SNOOZE_DAYS = 92;

const taskRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/v1/tasks",
    {
      config: { policy: "task:list" },
      schema: {
        tags: ["tasks"],
        summary: "List tasks, newest first",
        querystring: ListQuery,
        response: {
          200: z
            .object({
              items: z.array(TaskView).describe("Tasks"),
              nextCursor: z.string().nullable().describe("Cursor of the next page"),
            })
            .describe("A page of tasks"),
          ...problems(400),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const now = new Date().toISOString();
      const afterId = q.cursor === undefined ? undefined : decodeCursor(q.cursor, TASK_ID_PATTERN);
      const visible = visibleTo(request.principal);
      const rows = await app.store.cases.listTasks({
        ...(visible && { visibleTo: visible }),
        ...(q.status !== undefined && { status: q.status }),
        ...(q.overdue !== undefined && { overdue: q.overdue }),
        ...(q.assignee !== undefined && { assignee: q.assignee }),
        ...(q.agency !== undefined && { agency: q.agency }),
        ...(q.country !== undefined && { country: q.country }),
        ...(afterId !== undefined && { afterId }),
        now,
        limit: q.limit,
      });
      const last = rows.at(-1);
      return {
        items: rows.map((t) => taskView(t, now)),
        nextCursor: rows.length === q.limit && last ? encodeCursor(last.id) : null,
      };
    },
  );

  app.post(
    "/v1/tasks/:id/complete",
    {
      config: { policy: "task:act" },
      schema: {
        tags: ["tasks"],
        summary: "Mark a task done",
        params: z.object({
          id: z
            .string()
            .regex(TASK_ID_PATTERN, { message: "must be a task id (task_…)" })
            .describe("Task id"),
        }),
        body: z
          .object({
            note: z.string().max(2000).optional().describe("What was done (may be personal: never logged)"),
          })
          .strict()
          .nullish()
          .describe("Optional note"),
        response: { 200: TaskView, ...problems(400, 404, 409, 413, 415) },
      },
    },
    async (request) => {
      const result = await app.taskActions.complete(request.params.id, {
        actor: request.actor,
        at: new Date().toISOString(),
        ...(request.body?.note !== undefined && { note: request.body.note }),
        ...(request.principal && {
          audit: auditDraft(request, {
            action: "task.complete",
            outcome: "allowed",
            targetType: "case",
            details: { task: request.params.id },
          }),
        }),
      });
      if (result.status === "notFound")
        throw new ApiProblem("PASSERELLE_TASK_NOT_FOUND", "No task with this id");
      if (result.status === "notOpen") {
        throw new ApiProblem("PASSERELLE_TASK_NOT_OPEN", `The task is ${result.task.status}`, {
          taskStatus: result.task.status,
        });
      }
      return taskView(result.task, new Date().toISOString());
    },
  );

  app.get(
    "/v1/tasks/:id",
    {
      config: { policy: "task:read" },
      schema: {
        tags: ["tasks"],
        summary: "A task, with the reminders and escalations sent for it and the actions taken on it",
        params: TaskParams,
        response: { 200: TaskDetailView, ...problems(400, 404) },
      },
    },
    async (request) => {
      return taskDetail(request.params.id);
    },
  );

  app.post(
    "/v1/tasks/:id/snooze",
    {
      // Snoozing, like reassigning, is a supervisor's decision within the owning agency.
      config: { policy: "task:reassign" },
      schema: {
        tags: ["tasks"],
        summary: "Postpone a task (supervisor), with a reason",
        description:
          "Moves the due time, and every reminder or escalation due before the snooze, to the end of the snooze. `for` is counted in the pathway's time zone and calendar (working days skip weekends and holidays).",
        params: TaskParams,
        body: z
          .object({
            until: z.iso.datetime({ offset: true }).optional().describe("End of the snooze (ISO instant)"),
            for: Duration.optional().describe(
              "Length of the snooze from now: ISO 8601 duration or { workingDays }",
            ),
            reason: Reason,
          })
          .strict()
          .refine((b) => (b.until === undefined) !== (b.for === undefined), {
            message: "give exactly one of `until` and `for`",
            path: ["until"],
          })
          .describe("When the snooze ends, and why"),
        response: { 200: TaskDetailView, ...problems(400, 404, 409, 413, 415, 422) },
      },
    },
    async (request) => {
      const now = new Date();
      const context = await app.store.tasks.caseOf(request.params.id);
      if (!context) throw new ApiProblem("PASSERELLE_TASK_NOT_FOUND", "No task with this id");
      const body = request.body;
      let until: Date;
      if (body.for !== undefined) {
        const registered = app.pathways.get(context.country, context.pathwayVersion);
        if (!registered)
          throw new Error(`pathway ${context.country}@${context.pathwayVersion} is not loaded`);
        until = addDuration(now, body.for, registered.pathway);
      } else {
        until = new Date(body.until!);
      }
      if (until.getTime() <= now.getTime()) {
        throw new ApiProblem("PASSERELLE_SNOOZE_NOT_LATER", "The snooze would end before now");
      }
      // A follow-up put off for years is a follow-up dropped, without anyone deciding to close it.
      if (!(until.getTime() - now.getTime() <= MAX_SNOOZE_DAYS * 86_400_000)) {
        throw new ApiProblem("PASSERELLE_SNOOZE_TOO_LONG", `A snooze ends within ${MAX_SNOOZE_DAYS} days`, {
          maxDays: MAX_SNOOZE_DAYS,
        });
      }
      const result = await app.taskActions.snooze(request.params.id, {
        until: until.toISOString(),
        actor: request.actor,
        reason: body.reason,
        at: now.toISOString(),
      });
      return detailAfter(result, request.params.id);
    },
  );

  app.post(
    "/v1/tasks/:id/reassign",
    {
      config: { policy: "task:reassign" },
      schema: {
        tags: ["tasks"],
        summary: "Give a task to another role or agency (supervisor), with a reason",
        description:
          "Reminders that went to the previous assignee go to the new one; escalations to supervisors and the committee stay as the pathway defines them.",
        params: TaskParams,
        body: z
          .object({
            assignee: z
              .object({
                role: z.enum(ASSIGNEE_ROLES).describe("caseworker, supervisor or committee"),
                agency: z.string().optional().describe("Agency id from the case's pathway"),
              })
              .strict()
              .describe("The new assignee"),
            reason: Reason,
          })
          .strict()
          .describe("Who takes the task, and why"),
        response: { 200: TaskDetailView, ...problems(400, 404, 409, 413, 415, 422) },
      },
    },
    async (request) => {
      const context = await app.store.tasks.caseOf(request.params.id);
      const task = await app.store.tasks.get(request.params.id);
      if (!context || !task) throw new ApiProblem("PASSERELLE_TASK_NOT_FOUND", "No task with this id");
      const to = request.body.assignee;
      const registered = app.pathways.get(context.country, context.pathwayVersion);
      const agencies = new Set((registered?.pathway.agencies ?? []).map((agency) => agency.id));
      if (to.agency !== undefined && !agencies.has(to.agency)) {
        throw new ApiProblem(
          "PASSERELLE_TASK_ASSIGNEE_INVALID",
          "The agency is not one of the pathway's agencies",
          {
            agencies: [...agencies],
          },
        );
      }
      if (to.role === task.assignee.role && (to.agency ?? null) === (task.assignee.agency ?? null)) {
        throw new ApiProblem("PASSERELLE_TASK_ASSIGNEE_INVALID", "The task already has this assignee");
      }
      const result = await app.taskActions.reassign(request.params.id, {
        to,
        actor: request.actor,
        reason: request.body.reason,
        at: new Date().toISOString(),
      });
      return detailAfter(result, request.params.id);
    },
  );

  app.get(
    "/v1/cases/:id/notifications",
    {
      config: { policy: "case:read" },
      schema: {
        tags: ["tasks"],
        summary: "Reminders and escalations sent for a case's tasks, oldest first",
        params: z.object({
          id: z
            .string()
            .regex(CASE_ID_PATTERN, { message: "must be a case id (case_…)" })
            .describe("Case id"),
        }),
        response: {
          200: z
            .object({ items: z.array(NotificationView).describe("Notifications") })
            .describe("Notifications"),
          ...problems(400, 404),
        },
      },
    },
    async (request) => {
      const aggregate = await app.store.cases.get(request.params.id);
      if (!aggregate) throw new ApiProblem("PASSERELLE_CASE_NOT_FOUND", "No case with this id");
      return { items: (await app.store.tasks.notificationsOfCase(request.params.id)).map(notificationView) };
    },
  );

  app.get(
    "/v1/notifications/dead-letters",
    {
      config: { policy: "delivery:operate" },
      schema: {
        tags: ["tasks"],
        summary: "Notifications a channel never accepted after the last attempt, newest first",
        querystring: z.object({
          cursor: z.string().regex(/^\d+$/).optional().describe("nextCursor of the previous page"),
          limit: z.coerce
            .number()
            .int()
            .min(1)
            .max(200)
            .default(50)
            .describe("Page size (1–200, default 50)"),
        }),
        response: {
          200: z
            .object({
              items: z.array(NotificationView).describe("Dead letters"),
              nextCursor: z.string().nullable().describe("Cursor of the next page"),
            })
            .describe("A page of dead letters"),
          ...problems(400),
        },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await app.store.tasks.deadLetters(
        limit,
        cursor === undefined ? undefined : Number(cursor),
      );
      const last = rows.at(-1);
      return {
        items: rows.map(notificationView),
        nextCursor: rows.length === limit && last ? String(last.id) : null,
      };
    },
  );

  function detailAfter(result: TaskChangeResult, id: string) {
    if (result.status === "notFound")
      throw new ApiProblem("PASSERELLE_TASK_NOT_FOUND", "No task with this id");
    if (result.status === "notOpen") {
      throw new ApiProblem("PASSERELLE_TASK_NOT_OPEN", `The task is ${result.taskStatus}`, {
        taskStatus: result.taskStatus,
      });
    }
    return taskDetail(id);
  }

  async function taskDetail(id: string) {
    const task = await app.store.tasks.get(id);
    if (!task) throw new ApiProblem("PASSERELLE_TASK_NOT_FOUND", "No task with this id");
    return {
      ...taskView(task, new Date().toISOString()),
      notifications: (await app.store.tasks.notificationsOfTask(task.id)).map(notificationView),
      actions: await app.store.tasks.actionsOf(task.id),
    };
  }
};
export default taskRoutes;
