/**
 * Starting and stepping a case. Pure: the snapshot, the person, the consents and the time come in;
 * a new snapshot and the effects come out, or a typed refusal that changes nothing.
 *
 * XState decides (its pure transition selects the transition and lists the exit, transition and
 * entry actions in order, executing none); this module only reads those actions into facts and
 * effects.
 */
import { CLOSED_OUTCOMES, type ClosedOutcome, isClosedPath, type Pathway } from "@passerelle/definitions";
import { explainBranches } from "./branches.ts";
import { type Candidate, type CompiledPathway, compile, type EngineEvent } from "./compile.ts";
import type { ConditionScope } from "./conditions.ts";
import { toIssues } from "./data-schema.ts";
import { fromStateValue, stageOf } from "./state-index.ts";
import { scheduleTasks } from "./tasks.ts";
import type {
  CaseContext,
  CaseEvent,
  CaseSnapshot,
  ConsentRecord,
  Effect,
  Json,
  StepRefusal,
  StepResult,
  StepSuccess,
} from "./types.ts";

interface ActionLike {
  type: string;
  params: unknown;
}

export const isClosedState = isClosedPath;

/** The leaf's event table; a state that is not a leaf of this pathway is a caller bug, not a refusal. */
export function eventTable(compiled: CompiledPathway, state: string): Map<string, Candidate[]> {
  const table = compiled.candidates.get(state);
  if (!table)
    throw new Error(
      `state '${state}' is not a leaf state of ${compiled.pathway.country}@${compiled.pathway.version}`,
    );
  return table;
}

function scopeOf(
  pathway: Pathway,
  data: Record<string, Json>,
  facts: Record<string, Json>,
  ctx: CaseContext,
  now: Date,
) {
  return {
    data,
    facts,
    person: ctx.person,
    consents: ctx.consents,
    now,
    settings: pathway,
  } satisfies ConditionScope;
}

/**
 * Folds XState's actions, in the order it returns them (exits innermost first, transition actions,
 * entries outermost first), into the next facts, entry times and effects.
 */
function applyActions(
  compiled: CompiledPathway,
  actions: readonly ActionLike[],
  snapshot: CaseSnapshot | null,
  eventType: string,
  data: Record<string, Json>,
  now: Date,
): { facts: Record<string, Json>; enteredAt: Record<string, string>; effects: Effect[] } {
  const pathway = compiled.pathway;
  const facts = { ...(snapshot?.facts ?? {}) };
  const enteredAt = { ...(snapshot?.enteredAt ?? {}) };
  const effects: Effect[] = [];
  const nowIso = now.toISOString();
  for (const action of actions) {
    const params = action.params as Record<string, unknown>;
    switch (action.type) {
      case "cancelTasks": {
        const state = params.state as string;
        delete enteredAt[state];
        effects.push({ type: "cancelTasks", state });
        break;
      }
      case "recordFacts": {
        const fields = compiled.events.get(eventType)?.data ?? {};
        for (const field of params.fields as string[]) {
          const spec = fields[field];
          // Personal data never becomes a fact, even if a definition asks for it (lint reports it).
          if (data[field] === undefined || spec?.personal || spec?.type === "text") continue;
          facts[field] = data[field];
        }
        break;
      }
      case "stampFacts":
        for (const field of params.fields as string[]) facts[field] = nowIso;
        break;
      case "scheduleTasks": {
        const state = params.state as string;
        enteredAt[state] = nowIso;
        const node = compiled.index.byPath.get(state)!.node;
        for (const task of scheduleTasks(pathway, state, node.tasks, now, facts))
          effects.push({ type: "scheduleTask", task });
        break;
      }
      case "notifyResponsible": {
        const state = params.state as string;
        const { node } = compiled.index.byPath.get(state)!;
        for (const to of node.responsible ?? []) {
          effects.push({ type: "notify", to, reason: "stateEntered", state, label: node.label });
        }
        break;
      }
      case "recordConsent": {
        const consent: ConsentRecord & { method: string; interpreterUsed?: boolean } = {
          scope: data.scope as ConsentRecord["scope"],
          given: data.given as boolean,
          at: nowIso,
          method: data.method as string,
        };
        if (typeof data.interpreterUsed === "boolean") consent.interpreterUsed = data.interpreterUsed;
        effects.push({ type: "recordConsent", consent });
        break;
      }
      default:
        // XState's own bookkeeping (e.g. done events of final states) has no effect outside.
        break;
    }
  }
  return { facts, enteredAt, effects };
}

function success(from: string | null, to: string, result: ReturnType<typeof applyActions>): StepSuccess {
  const done: StepSuccess = {
    ok: true,
    snapshot: { state: to, facts: result.facts, enteredAt: result.enteredAt },
    effects: result.effects,
    from,
    to,
    stage: stageOf(to),
  };
  const outcome = outcomeOf(to);
  if (outcome) done.outcome = outcome;
  return done;
}

/** The closed outcome a `closed.<outcome>` path records, if it is one. */
export function outcomeOf(path: string): ClosedOutcome | undefined {
  if (!isClosedPath(path)) return undefined;
  const outcome = path.split(".")[1] ?? "";
  return (CLOSED_OUTCOMES as readonly string[]).includes(outcome) ? (outcome as ClosedOutcome) : undefined;
}

/** Opens a case in the pathway's initial leaf, with the tasks and notifications of every state entered. */
export function startCase(pathway: Pathway, _ctx: CaseContext, now: Date): StepSuccess {
  const compiled = compile(pathway);
  const [initial, actions] = compiled.initial();
  return success(
    null,
    fromStateValue(initial.value),
    applyActions(compiled, actions, null, "xstate.init", {}, now),
  );
}

function refuse(refusal: StepRefusal["refusal"]): StepRefusal {
  return { ok: false, refusal };
}

/**
 * Applies one event. Checks run cheapest and least revealing first: unknown type, closed case,
 * event not handled here, invalid data, then guards.
 */
export function step(
  pathway: Pathway,
  snapshot: CaseSnapshot,
  event: CaseEvent,
  ctx: CaseContext,
  now: Date,
): StepResult {
  const compiled = compile(pathway);
  const state = snapshot.state;
  const table = eventTable(compiled, state);
  const allowed = [...table.keys()];
  const type = event.type;
  if (!compiled.events.has(type)) return refuse({ kind: "eventUnknown", event: type, allowed });
  if (isClosedState(state)) return refuse({ kind: "caseClosed", event: type, state, allowed });
  const candidates = table.get(type);
  if (!candidates) return refuse({ kind: "eventNotAllowed", event: type, state, allowed });

  const data = event.data ?? {};
  const validate = compiled.validator(type);
  if (!validate(data))
    return refuse({ kind: "invalidData", event: type, issues: toIssues(validate.errors), allowed });

  const scope = scopeOf(pathway, data, snapshot.facts, ctx, now);
  const engineEvent: EngineEvent = { type, data, scope };
  const [next, actions] = compiled.transition(compiled.snapshotOf(state), engineEvent);
  // Every generated transition carries `recordFacts` or `recordConsent`: without one, no candidate's guard held.
  const taken = (actions as readonly ActionLike[]).some(
    (a) => a.type === "recordFacts" || a.type === "recordConsent",
  );
  if (!taken) {
    const branches = explainBranches(pathway, type, candidates, scope, { dataGiven: true });
    const failed = [...new Set(branches.flatMap((b) => b.unmet))];
    return refuse({ kind: "guardFailed", event: type, state, allowed, failed, branches });
  }
  const to = fromStateValue(next.value);
  return success(state, to, applyActions(compiled, actions, snapshot, type, data, now));
}
