/**
 * Replays a scenario file (`<n>.scenarios.yaml`): a case started at a given time, then events at
 * given times, each with the state it must reach and the tasks it must schedule, or the refusal it
 * must meet. Consents recorded along the way feed the guards of later steps, as the server does.
 */
import type { Pathway } from "@passerelle/definitions";
import { startCase, step } from "../step.ts";
import type {
  CaseContext,
  CaseSnapshot,
  ConsentRecord,
  Json,
  PersonAttributes,
  Refusal,
  StepSuccess,
} from "../types.ts";

export interface ExpectedTask {
  taskId: string;
  due: string;
  occurrence?: number;
}

export interface Expectation {
  state?: string;
  tasks?: ExpectedTask[];
}

export interface ScenarioStep {
  at: string;
  event: string;
  data?: Record<string, Json>;
  expect?: Expectation;
  refused?: Refusal["kind"];
}

export interface Scenario {
  name: string;
  person: PersonAttributes;
  consents?: ConsentRecord[];
  start: string;
  expect?: Expectation;
  steps: ScenarioStep[];
}

export interface ScenarioFile {
  country: string;
  version: number;
  scenarios: Scenario[];
}

function check(where: string, result: StepSuccess, expected: Expectation | undefined): string[] {
  const problems: string[] = [];
  if (!expected) return problems;
  if (expected.state !== undefined && result.to !== expected.state) {
    problems.push(`${where}: state is ${result.to}, expected ${expected.state}`);
  }
  const scheduled = result.effects.flatMap((e) => (e.type === "scheduleTask" ? [e.task] : []));
  for (const task of expected.tasks ?? []) {
    const occurrence = task.occurrence ?? 1;
    const found = scheduled.find((t) => t.taskId === task.taskId && t.occurrence === occurrence);
    if (!found) {
      problems.push(
        `${where}: task ${task.taskId}#${occurrence} not scheduled (got ${scheduled.map((t) => t.key).join(", ") || "none"})`,
      );
    } else if (Date.parse(found.due) !== Date.parse(task.due)) {
      problems.push(`${where}: task ${task.taskId}#${occurrence} due ${found.due}, expected ${task.due}`);
    }
  }
  return problems;
}

/** Runs a scenario; returns every mismatch (empty when it passes) so a failure names the step. */
export function runScenario(pathway: Pathway, scenario: Scenario): string[] {
  const ctx: CaseContext = { person: scenario.person ?? {}, consents: [...(scenario.consents ?? [])] };
  const started = startCase(pathway, ctx, new Date(scenario.start));
  const problems = check("start", started, scenario.expect);
  let snapshot: CaseSnapshot = started.snapshot;
  scenario.steps.forEach((s, i) => {
    const where = `step ${i + 1} (${s.event} at ${s.at})`;
    const before = structuredClone(snapshot);
    const result = step(pathway, snapshot, { type: s.event, data: s.data ?? {} }, ctx, new Date(s.at));
    if (s.refused) {
      if (result.ok) problems.push(`${where}: accepted (to ${result.to}), expected refusal ${s.refused}`);
      else if (result.refusal.kind !== s.refused)
        problems.push(`${where}: refused ${JSON.stringify(result.refusal)}, expected ${s.refused}`);
      return;
    }
    if (!result.ok) {
      problems.push(`${where}: refused ${JSON.stringify(result.refusal)}`);
      snapshot = before;
      return;
    }
    problems.push(...check(where, result, s.expect));
    for (const effect of result.effects)
      if (effect.type === "recordConsent") ctx.consents.push(effect.consent);
    snapshot = result.snapshot;
  });
  return problems;
}
