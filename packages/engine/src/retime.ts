/**
 * Re-timing open tasks when the calendar changes (a holiday added or moved): each task's due time
 * and escalation ladder computed again from the same anchor, with the pathway as it is now timed.
 * Pure: the caller passes the pathway with its calendars, the case's snapshot and its open tasks,
 * and stores what moved.
 */
import type { Pathway } from "@passerelle/definitions";
import { compile } from "./compile.ts";
import { scheduleTasks } from "./tasks.ts";
import type { CaseSnapshot, TaskToSchedule } from "./types.ts";

export interface OpenTaskTiming {
  key: string;
  state: string;
  due: string;
}

export interface RetimedTask {
  key: string;
  from: string;
  task: TaskToSchedule;
}

/**
 * The open tasks whose due time differs once computed again: the task as it would be scheduled now,
 * with its old due time. A task whose state is no longer entered (or whose spec is gone) is left alone.
 */
export function retimeOpenTasks(
  pathway: Pathway,
  snapshot: CaseSnapshot,
  open: readonly OpenTaskTiming[],
): RetimedTask[] {
  const index = compile(pathway).index;
  const byState = new Map<string, Map<string, TaskToSchedule>>();
  const scheduled = (state: string) => {
    let tasks = byState.get(state);
    if (!tasks) {
      const entered = snapshot.enteredAt[state];
      const node = index.byPath.get(state)?.node;
      tasks = new Map(
        entered && node
          ? scheduleTasks(pathway, state, node.tasks, new Date(entered), snapshot.facts).map((t) => [
              t.key,
              t,
            ])
          : [],
      );
      byState.set(state, tasks);
    }
    return tasks;
  };
  const moved: RetimedTask[] = [];
  for (const task of open) {
    const now = scheduled(task.state).get(task.key);
    if (now && Date.parse(now.due) !== Date.parse(task.due))
      moved.push({ key: task.key, from: task.due, task: now });
  }
  return moved;
}
