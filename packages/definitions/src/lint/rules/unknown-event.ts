import { isBuiltinEvent } from "../../builtin-events.ts";
import { formatPath } from "../../problem.ts";
import { walkStates } from "../../tree.ts";
import type { LintProblem } from "../lint-problem.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "unknown-event";

/** An event handled in `on` or `anywhere` that `events` does not declare; or a declared built-in. */
export const unknownEvent: LintRule = {
  id,
  summary:
    "an `on`/`anywhere` event not declared in `events` (and not built in), or a declaration of a built-in event",
  check(pathway) {
    const problems: LintProblem[] = [];
    const handled = [
      ...walkStates(pathway).flatMap((s) =>
        Object.keys(s.node.on ?? {}).map((event) => ({ event, at: [...s.at, "on", event] })),
      ),
      ...Object.keys(pathway.anywhere ?? {}).map((event) => ({ event, at: ["anywhere", event] })),
    ];
    for (const { event, at } of handled) {
      if (!Object.hasOwn(pathway.events, event) && !isBuiltinEvent(event)) {
        problems.push({
          rule: id,
          path: formatPath(at),
          message: `event '${event}' is not declared in events`,
        });
      }
    }
    for (const event of Object.keys(pathway.events).filter(isBuiltinEvent)) {
      problems.push({
        rule: id,
        path: formatPath(["events", event]),
        message: `'${event}' is built in: every pathway understands it, so it must not be declared`,
      });
    }
    return problems;
  },
};
