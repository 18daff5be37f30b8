/**
 * Moving a running case to a new pathway version: all or nothing, through an explicit plan that
 * maps every state a case can be in. The same function is the dry run — the caller just does not
 * persist the result.
 */
import type { Pathway } from "@passerelle/definitions";
import { compile } from "./compile.ts";
import { type ConditionScope, evaluate } from "./conditions.ts";
import { stageOf } from "./state-index.ts";
import { isClosedState, outcomeOf } from "./step.ts";
import { scheduleTasks } from "./tasks.ts";
import type {
  CaseContext,
  CaseSnapshot,
  Effect,
  MigrationPlan,
  PlanProblem,
  StepResult,
  StepSuccess,
} from "./types.ts";

/** Problems with a plan, each with the path of the plan entry at fault; empty when it can be applied. */
export function validateMigrationPlan(from: Pathway, to: Pathway, plan: MigrationPlan): PlanProblem[] {
  const problems: PlanProblem[] = [];
  if (from.country !== to.country)
    problems.push({
      path: "country",
      message: `pathways are of different countries (${from.country}, ${to.country})`,
    });
  if (plan.country !== from.country)
    problems.push({ path: "country", message: `plan is for ${plan.country}, pathway is ${from.country}` });
  if (plan.from !== from.version)
    problems.push({
      path: "from",
      message: `plan migrates from version ${plan.from}, pathway is version ${from.version}`,
    });
  if (plan.to !== to.version)
    problems.push({
      path: "to",
      message: `plan migrates to version ${plan.to}, pathway is version ${to.version}`,
    });
  const source = compile(from).index;
  const target = compile(to).index;
  for (const leaf of source.leaves) {
    if (source.byPath.get(leaf)!.isFinal) continue;
    if (!Object.hasOwn(plan.states, leaf))
      problems.push({
        path: `states.${leaf}`,
        message: `state '${leaf}' of version ${from.version} is not mapped`,
      });
  }
  for (const [state, mapping] of Object.entries(plan.states)) {
    const origin = source.byPath.get(state);
    if (!origin?.isLeaf) {
      problems.push({
        path: `states.${state}`,
        message: `'${state}' is not a leaf state of version ${from.version}`,
      });
    }
    const targets = typeof mapping === "string" ? [{ to: mapping }] : mapping;
    targets.forEach((entry, i) => {
      const at = typeof mapping === "string" ? `states.${state}` : `states.${state}[${i}]`;
      const mapped = target.byPath.get(entry.to);
      if (!mapped?.isLeaf) {
        problems.push({
          path: at,
          message: `target '${entry.to}' is not a leaf state of version ${to.version}`,
        });
      } else if (mapped.isFinal && origin && !origin.isFinal) {
        // Closing a case is a decision with an outcome someone takes, never a side effect of an upgrade.
        problems.push({
          path: at,
          message: `open state '${state}' may not be mapped to the closed outcome '${entry.to}'`,
        });
      }
      const last = i === targets.length - 1;
      if (last && "when" in entry && entry.when !== undefined)
        problems.push({ path: at, message: "the last target has no condition, so that every case has one" });
      if (!last && !("when" in entry && entry.when !== undefined))
        problems.push({
          path: at,
          message: "only the last target may be unconditional: the ones after it are never taken",
        });
    });
  }
  return problems;
}

/**
 * The state a case goes to: the mapped state, or the first conditional target whose condition
 * holds on the case's facts and person (no event data: a migration is not an event).
 */
function resolveTarget(
  mapping: MigrationPlan["states"][string] | undefined,
  snapshot: CaseSnapshot,
  ctx: CaseContext,
  to: Pathway,
  now: Date,
): string | undefined {
  if (mapping === undefined || typeof mapping === "string") return mapping;
  const scope: ConditionScope = {
    data: {},
    facts: snapshot.facts,
    person: ctx.person,
    consents: ctx.consents,
    now,
    settings: to,
  };
  return mapping.find((entry) => entry.when === undefined || evaluate(entry.when, scope))?.to;
}

/**
 * Moves one case. Facts are kept; a state active before and after (same path) keeps its entry time,
 * so deadlines counted from it do not restart. Every old task is cancelled and the new version's
 * tasks are scheduled, because task specs may differ between versions even for a kept state.
 * A closed case needs no mapping when `to` has the same outcome.
 */
export function migrate(
  from: Pathway,
  to: Pathway,
  plan: MigrationPlan,
  snapshot: CaseSnapshot,
  ctx: CaseContext,
  now: Date,
): StepResult {
  const problems = validateMigrationPlan(from, to, plan);
  const target = compile(to).index;
  const mapped =
    resolveTarget(plan.states[snapshot.state], snapshot, ctx, to, now) ??
    (isClosedState(snapshot.state) && target.byPath.get(snapshot.state)?.isLeaf ? snapshot.state : undefined);
  if (mapped === undefined && problems.length === 0) {
    problems.push({
      path: `states.${snapshot.state}`,
      message: `the case's state '${snapshot.state}' is not mapped`,
    });
  }
  if (problems.length > 0 || mapped === undefined) {
    return {
      ok: false,
      refusal: { kind: "migrationRefused", event: "MIGRATE", state: snapshot.state, problems, allowed: [] },
    };
  }
  const oldLineage = compile(from).index.byPath.get(snapshot.state)?.lineage ?? [];
  const newLineage = target.byPath.get(mapped)!.lineage;
  const nowIso = now.toISOString();
  const effects: Effect[] = [];
  for (const state of [...oldLineage].reverse()) effects.push({ type: "cancelTasks", state });
  const enteredAt: Record<string, string> = {};
  for (const state of newLineage) {
    const kept = snapshot.enteredAt[state];
    enteredAt[state] = kept ?? nowIso;
    const node = target.byPath.get(state)!.node;
    for (const task of scheduleTasks(to, state, node.tasks, new Date(enteredAt[state]), snapshot.facts)) {
      effects.push({ type: "scheduleTask", task });
    }
    if (!kept)
      for (const who of node.responsible ?? [])
        effects.push({ type: "notify", to: who, reason: "stateEntered", state });
  }
  const result: StepSuccess = {
    ok: true,
    snapshot: { state: mapped, facts: { ...snapshot.facts }, enteredAt },
    effects,
    from: snapshot.state,
    to: mapped,
    stage: stageOf(mapped),
  };
  const outcome = outcomeOf(mapped);
  if (outcome) result.outcome = outcome;
  return result;
}
