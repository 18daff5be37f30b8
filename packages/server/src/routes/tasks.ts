/** Tasks: the deadlines and follow-ups of every case, and completing one. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { taskView } from "../cases/case-service.ts";
import { TaskView } from "../cases/case-view.ts";
import { ApiProblem } from "../errors/problem.ts";
import { TASK_ID_PATTERN } from "../ids.ts";
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
  cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe("Page size (1–200, default 50)"),
});

const taskRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/v1/tasks",
    {
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
      const rows = await app.store.listTasks({
        ...(q.status !== undefined && { status: q.status }),
        ...(q.overdue !== undefined && { overdue: q.overdue }),
        ...(q.assignee !== undefined && { assignee: q.assignee }),
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
      const result = await app.store.completeTask(request.params.id, {
        actor: request.actor,
        at: new Date().toISOString(),
        ...(request.body?.note !== undefined && { note: request.body.note }),
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
};
export default taskRoutes;
