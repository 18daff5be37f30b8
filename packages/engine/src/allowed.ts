/**
 * What can be sent now, and what each event needs: the client builds its forms from this, and a
 * refusal lists the same types.
 */
import type { Pathway } from "@passerelle/definitions";
import { type BranchExplanation, explainBranches } from "./branches.ts";
import { type Candidate, compile } from "./compile.ts";
import type { ConditionScope } from "./conditions.ts";
import { eventTable, isClosedState } from "./step.ts";
import type { AllowedEvent, CaseContext, CaseSnapshot } from "./types.ts";

const DEFAULT_ROLES = ["caseworker", "supervisor"];
const NONE: AllowedEvent[] = Object.freeze([]) as unknown as AllowedEvent[];

/**
 * The lists already built, per state (its event table) and per combination of branch explanations.
 * Every answer carries the list, and cases in the same state mostly share it. What a list depends
 * on is the pathway's definition of the state (the table) and, through the guards, the case: which
 * conditions hold. `explainBranches` already gives one shared explanation per transition and
 * combination of outcomes of every condition it reads (facts, person, consents, time), so the
 * explanations' identities are a key covering every input: the guards are still evaluated for
 * every answer, only the list around their outcomes is reused. Lists are frozen: they are shared.
 */
const listed = new WeakMap<Map<string, Candidate[]>, Map<string, AllowedEvent[]>>();
/** Combinations kept per state: conditions fail in few ways, this only bounds a pathological one. */
const LISTS_KEPT_PER_STATE = 256;
const explanationIds = new WeakMap<BranchExplanation, number>();
let nextExplanationId = 0;

function explanationId(branch: BranchExplanation): number {
  let id = explanationIds.get(branch);
  if (id === undefined) {
    id = nextExplanationId++;
    explanationIds.set(branch, id);
  }
  return id;
}

/**
 * Events handled in the current leaf (then its ancestors, then `anywhere`, then built-ins), with
 * the JSON Schema of their data and each branch explained (open now or not, what it still needs). An
 * event stays listed while guards block it, with `blockedBy` saying why — unless event data could
 * still satisfy one of its branches.
 */
export function allowedEvents(
  pathway: Pathway,
  snapshot: CaseSnapshot,
  ctx: CaseContext,
  now: Date,
): AllowedEvent[] {
  const compiled = compile(pathway);
  const table = eventTable(compiled, snapshot.state);
  if (isClosedState(snapshot.state)) return NONE;
  const scope: ConditionScope = {
    data: {},
    facts: snapshot.facts,
    person: ctx.person,
    consents: ctx.consents,
    now,
    settings: pathway,
  };
  const explained: BranchExplanation[][] = [];
  let key = "";
  for (const [type, candidates] of table) {
    const branches = explainBranches(pathway, type, candidates, scope, { dataGiven: false });
    explained.push(branches);
    for (const branch of branches) key += `${explanationId(branch)},`;
    key += "|";
  }
  let lists = listed.get(table);
  if (!lists) {
    lists = new Map();
    listed.set(table, lists);
  }
  const known = lists.get(key);
  if (known) return known;
  const result: AllowedEvent[] = [];
  let i = 0;
  for (const type of table.keys()) {
    const spec = compiled.events.get(type)!;
    const branches = explained[i++]!;
    // Blocked when no branch is open: what fails on the case, which no event data can cure.
    const blockedBy = branches.some((b) => b.open) ? [] : [...new Set(branches.flatMap((b) => b.unmet))];
    result.push(
      Object.freeze({
        type,
        label: spec.label,
        dataSchema: compiled.dataSchema(type),
        roles: spec.roles ? [...spec.roles] : DEFAULT_ROLES,
        blockedBy,
        branches,
      }),
    );
  }
  Object.freeze(result);
  if (lists.size < LISTS_KEPT_PER_STATE) lists.set(key, result);
  return result;
}
