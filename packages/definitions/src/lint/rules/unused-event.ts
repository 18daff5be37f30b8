import { isBuiltinEvent } from "../../builtin-events.ts";
import { formatPath } from "../../problem.ts";
import { walkTransitions } from "../../tree.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "unused-event";

/** A declared event that no state (nor `anywhere`) handles: caseworkers could never send it. */
export const unusedEvent: LintRule = {
  id,
  summary: "an event declared in `events` that no state or `anywhere` handles",
  check(pathway) {
    const handled = new Set(walkTransitions(pathway).map((t) => t.event));
    return Object.keys(pathway.events)
      .filter((event) => !handled.has(event) && !isBuiltinEvent(event))
      .map((event) => ({
        rule: id,
        path: formatPath(["events", event]),
        message: `event '${event}' is declared but no state handles it`,
      }));
  },
};
