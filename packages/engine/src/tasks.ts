/**
 * Turns a state's task specs into tasks with absolute due times. The server stores them with the
 * transition; reminders and escalations fire from those rows, never from an in-memory timer.
 */
import type { Pathway, TaskSpec } from "@passerelle/definitions";
import { addDuration, parseInstant } from "./time.ts";
import type { Json, TaskToSchedule } from "./types.ts";

/** Key of a task within its case: stable, so a re-sent effect is recognised by the store. */
export function taskKey(state: string, taskId: string, occurrence: number): string {
  return `${state}/${taskId}#${occurrence}`;
}

/**
 * Tasks for entering `state` at `enteredAt`. A task anchored on a fact counts from that fact's
 * instant, and from the entry when the fact is not (yet) recorded, so a deadline is never lost.
 */
export function scheduleTasks(
  pathway: Pathway,
  state: string,
  specs: readonly TaskSpec[] | undefined,
  enteredAt: Date,
  facts: Record<string, Json>,
): TaskToSchedule[] {
  const tasks: TaskToSchedule[] = [];
  for (const spec of specs ?? []) {
    const anchor = (spec.anchor && parseInstant(facts[spec.anchor.slice("facts.".length)])) || enteredAt;
    const firstDue = addDuration(anchor, spec.due, pathway);
    const count = spec.repeat?.count ?? 1;
    for (let occurrence = 1; occurrence <= count; occurrence++) {
      const due =
        spec.repeat && occurrence > 1
          ? addDuration(firstDue, spec.repeat.every, pathway, occurrence - 1)
          : firstDue;
      tasks.push({
        key: taskKey(state, spec.id, occurrence),
        taskId: spec.id,
        kind: spec.kind,
        state,
        due: due.toISOString(),
        assignee: spec.assignee,
        escalation: spec.escalation.map((rung, step) => ({
          step,
          at: addDuration(due, rung.after, pathway).toISOString(),
          notify: rung.notify,
        })),
        label: spec.label,
        occurrence,
      });
    }
  }
  return tasks;
}
