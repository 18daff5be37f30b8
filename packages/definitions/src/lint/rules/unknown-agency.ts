import type { Assignee } from "../../assignee.ts";
import { formatPath } from "../../problem.ts";
import { type DefinitionPath, walkStates, walkTasks } from "../../tree.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "unknown-agency";

/** An assignee, escalation or responsible agency that is not in `agencies`. */
export const unknownAgency: LintRule = {
  id,
  summary: "a task assignee, escalation `notify` or `responsible` agency not listed in `agencies`",
  check(pathway) {
    const assignees: { assignee: Assignee; at: DefinitionPath }[] = [];
    for (const { task, at } of walkTasks(pathway)) {
      assignees.push({ assignee: task.assignee, at: [...at, "assignee"] });
      for (const [i, step] of task.escalation.entries()) {
        assignees.push({ assignee: step.notify, at: [...at, "escalation", i, "notify"] });
      }
    }
    for (const state of walkStates(pathway)) {
      for (const [i, assignee] of (state.node.responsible ?? []).entries()) {
        assignees.push({ assignee, at: [...state.at, "responsible", i] });
      }
    }
    const agencies = new Set(pathway.agencies.map((a) => a.id));
    return assignees
      .filter(({ assignee }) => assignee.agency !== undefined && !agencies.has(assignee.agency))
      .map(({ assignee, at }) => ({
        rule: id,
        path: formatPath([...at, "agency"]),
        message: `agency '${assignee.agency}' is not in agencies`,
      }));
  },
};
