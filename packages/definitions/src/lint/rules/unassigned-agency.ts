import { formatPath } from "../../problem.ts";
import { walkStates, walkTasks } from "../../tree.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "unassigned-agency";

/**
 * The format version from which this rule applies. Files of format 1 were published before it
 * and are immutable (their hash is locked), so the rule cannot ask them to change; it applies to
 * every file written in format 2, which new versions and new pathways use.
 */
export const UNASSIGNED_AGENCY_SINCE_FORMAT = 2;

/**
 * A declared agency that is given no work: not responsible for any state, not the assignee of any
 * task and not on any escalation ladder. An agency listed for show misleads the people who read
 * the pathway about who does what; assign it work or remove it.
 */
export const unassignedAgency: LintRule = {
  id,
  summary:
    "an agency in `agencies` that is responsible for no state, assigned no task and notified by no escalation (format 2 on)",
  check(pathway) {
    if (pathway.schemaVersion < UNASSIGNED_AGENCY_SINCE_FORMAT) return [];
    const working = new Set<string | undefined>();
    for (const { task } of walkTasks(pathway)) {
      working.add(task.assignee.agency);
      for (const rung of task.escalation) working.add(rung.notify.agency);
    }
    for (const { node } of walkStates(pathway))
      for (const who of node.responsible ?? []) working.add(who.agency);
    return pathway.agencies.flatMap((agency, i) =>
      working.has(agency.id)
        ? []
        : [
            {
              rule: id,
              path: formatPath(["agencies", i]),
              message: `agency '${agency.id}' is responsible for no state and assigned no task: give it work or remove it`,
            },
          ],
    );
  },
};
