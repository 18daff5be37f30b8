import { formatPath } from "../../problem.ts";
import { walkTasks } from "../../tree.ts";
import type { LintProblem } from "../lint-problem.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "duplicate-task-id";

/** Two tasks with one id: task ids name tasks in every case's task list and must be unique. */
export const duplicateTaskId: LintRule = {
  id,
  summary: "a task id used twice in the pathway (ids name tasks in every case's task list)",
  check(pathway) {
    const first = new Map<string, string>();
    const problems: LintProblem[] = [];
    for (const { task, at } of walkTasks(pathway)) {
      const seen = first.get(task.id);
      if (seen === undefined) first.set(task.id, formatPath(at));
      else
        problems.push({
          rule: id,
          path: formatPath([...at, "id"]),
          message: `task id '${task.id}' is already used at ${seen}`,
        });
    }
    return problems;
  },
};
