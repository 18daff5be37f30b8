import { formatPath } from "../../problem.ts";
import { walkTasks } from "../../tree.ts";
import type { LintProblem } from "../lint-problem.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "unknown-figure";

/** A task `due: { figure }` naming no figure, or a figure or retention citing no known source. */
export const unknownFigure: LintRule = {
  id,
  summary: "a task `due: { figure }` not in `figures`, or a figure or `retention` `source` not in `sources`",
  check(pathway) {
    const problems: LintProblem[] = [];
    const sources = new Set(pathway.sources.map((s) => s.id));
    for (const { task, at } of walkTasks(pathway)) {
      if (
        typeof task.due === "object" &&
        "figure" in task.due &&
        !Object.hasOwn(pathway.figures, task.due.figure)
      ) {
        problems.push({
          rule: id,
          path: formatPath([...at, "due", "figure"]),
          message: `figure '${task.due.figure}' is not in figures`,
        });
      }
    }
    for (const [name, figure] of Object.entries(pathway.figures)) {
      if (figure.source !== undefined && !sources.has(figure.source)) {
        problems.push({
          rule: id,
          path: formatPath(["figures", name, "source"]),
          message: `source '${figure.source}' is not in sources`,
        });
      }
    }
    const retention = pathway.retention?.source;
    if (retention !== undefined && !sources.has(retention)) {
      problems.push({
        rule: id,
        path: "retention.source",
        message: `source '${retention}' is not in sources`,
      });
    }
    return problems;
  },
};
