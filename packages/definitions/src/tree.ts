/**
 * Walking a pathway's state tree, transitions, tasks and conditions, each with its path in the
 * definition. Lint rules and the engine share these so that they agree on what a target means and
 * which transitions a state sees.
 */
import type { Condition } from "./condition.ts";
import type { Pathway } from "./pathway.ts";
import { STAGE_IDS } from "./stages.ts";
import type { StateNode } from "./state.ts";
import type { TaskSpec } from "./task.ts";
import type { Transition, TransitionList } from "./transition.ts";

/** Segments of a path into the definition, written out by `formatPath`. */
export type DefinitionPath = (string | number)[];

export interface StateEntry {
  /** Dotted state path from the top-level stage, e.g. `screening.interview`. */
  path: string;
  key: string;
  node: StateNode;
  /** Dotted path of the parent state; undefined for a top-level stage. */
  parent: string | undefined;
  /** Where the node sits in the definition: `["states", "screening", "states", "interview"]`. */
  at: DefinitionPath;
}

export interface TransitionEntry {
  event: string;
  transition: Transition;
  /** The state whose `on` holds it, or undefined for `anywhere`. */
  source: string | undefined;
  /** Where the transition sits: `[..., "on", "SCREENED", 1]`, without the index when it is alone. */
  at: DefinitionPath;
}

export interface TaskEntry {
  task: TaskSpec;
  state: string;
  at: DefinitionPath;
}

export interface ConditionEntry {
  condition: Condition;
  at: DefinitionPath;
}

/** Every state, parents before children, in definition order of the fixed stages. */
export function walkStates(pathway: Pathway): StateEntry[] {
  const out: StateEntry[] = [];
  const visit = (key: string, node: StateNode, parent: string | undefined, at: DefinitionPath) => {
    const path = parent === undefined ? key : `${parent}.${key}`;
    out.push({ path, key, node, parent, at });
    for (const [childKey, child] of Object.entries(node.states ?? {})) {
      visit(childKey, child, path, [...at, "states", childKey]);
    }
  };
  for (const stage of STAGE_IDS) {
    const node = pathway.states[stage];
    if (node) visit(stage, node, undefined, ["states", stage]);
  }
  return out;
}

const stateMaps = new WeakMap<Pathway, Map<string, StateEntry>>();

/** States by dotted path (cached per pathway object). */
export function stateMap(pathway: Pathway): Map<string, StateEntry> {
  let map = stateMaps.get(pathway);
  if (!map) {
    map = new Map(walkStates(pathway).map((entry) => [entry.path, entry]));
    stateMaps.set(pathway, map);
  }
  return map;
}

export const isLeaf = (node: StateNode): boolean => node.states === undefined;

/** True for `closed` and everything under it. */
export const isClosedPath = (path: string): boolean => path === "closed" || path.startsWith("closed.");

/** The state itself, then its parent, up to its top-level stage. */
export function selfAndAncestors(path: string): string[] {
  const parts = path.split(".");
  return parts.map((_, i) => parts.slice(0, parts.length - i).join("."));
}

/**
 * The leaf a target leads to: a compound state enters its `initial` child, down to a leaf. Undefined
 * when the target (or an initial child on the way) is not in the tree.
 */
export function resolveTarget(pathway: Pathway, target: string): string | undefined {
  const map = stateMap(pathway);
  let entry = map.get(target);
  while (entry && !isLeaf(entry.node)) {
    entry = entry.node.initial === undefined ? undefined : map.get(`${entry.path}.${entry.node.initial}`);
  }
  return entry?.path;
}

/** The leaf a new case starts in: the initial leaf of `identification`. */
export const initialLeaf = (pathway: Pathway): string | undefined => resolveTarget(pathway, "identification");

/** A transition list as candidates, each with its path suffix (no index for a single transition). */
export function candidates(
  list: TransitionList,
  at: DefinitionPath,
): { transition: Transition; at: DefinitionPath }[] {
  return Array.isArray(list)
    ? list.map((transition, i) => ({ transition, at: [...at, i] }))
    : [{ transition: list, at }];
}

/** Every transition of the pathway: each state's `on`, then `anywhere`. */
export function walkTransitions(pathway: Pathway): TransitionEntry[] {
  const out: TransitionEntry[] = [];
  for (const state of walkStates(pathway)) {
    for (const [event, list] of Object.entries(state.node.on ?? {})) {
      for (const c of candidates(list, [...state.at, "on", event]))
        out.push({ event, source: state.path, ...c });
    }
  }
  for (const [event, list] of Object.entries(pathway.anywhere ?? {})) {
    for (const c of candidates(list, ["anywhere", event])) out.push({ event, source: undefined, ...c });
  }
  return out;
}

/**
 * The transitions a case in `leaf` can take, in the order they are tried: the leaf's own `on`, then
 * each ancestor's, then `anywhere` (which does not apply under `closed`).
 */
export function transitionsFrom(pathway: Pathway, leaf: string): TransitionEntry[] {
  const map = stateMap(pathway);
  const out: TransitionEntry[] = [];
  for (const path of selfAndAncestors(leaf)) {
    const state = map.get(path);
    for (const [event, list] of Object.entries(state?.node.on ?? {})) {
      for (const c of candidates(list, [...(state?.at ?? []), "on", event]))
        out.push({ event, source: path, ...c });
    }
  }
  if (!isClosedPath(leaf)) {
    for (const [event, list] of Object.entries(pathway.anywhere ?? {})) {
      for (const c of candidates(list, ["anywhere", event])) out.push({ event, source: undefined, ...c });
    }
  }
  return out;
}

/** Every task, with the state that holds it. */
export function walkTasks(pathway: Pathway): TaskEntry[] {
  return walkStates(pathway).flatMap((state) =>
    (state.node.tasks ?? []).map((task, i) => ({ task, state: state.path, at: [...state.at, "tasks", i] })),
  );
}

/** A condition and every condition nested in it (`all`, `any`, `not`), with their paths. */
export function walkConditions(condition: Condition, at: DefinitionPath): ConditionEntry[] {
  const out: ConditionEntry[] = [{ condition, at }];
  const nested = (list: Condition[], key: string) => {
    for (const [i, c] of list.entries()) out.push(...walkConditions(c, [...at, key, i]));
  };
  if ("all" in condition) nested(condition.all, "all");
  else if ("any" in condition) nested(condition.any, "any");
  else if ("not" in condition) out.push(...walkConditions(condition.not, [...at, "not"]));
  return out;
}

/** Leaves reachable from the initial leaf, following every transition whatever its guard. */
export function reachableLeaves(pathway: Pathway): Set<string> {
  const start = initialLeaf(pathway);
  const seen = new Set<string>();
  const queue = start === undefined ? [] : [start];
  while (queue.length > 0) {
    const leaf = queue.shift() as string;
    if (seen.has(leaf)) continue;
    seen.add(leaf);
    for (const next of successors(pathway, leaf)) if (!seen.has(next)) queue.push(next);
  }
  return seen;
}

/** Leaves one transition away from `leaf` (itself excluded), whatever the guards. */
export function successors(pathway: Pathway, leaf: string): Set<string> {
  const out = new Set<string>();
  for (const { transition } of transitionsFrom(pathway, leaf)) {
    if (transition.target === undefined) continue;
    const next = resolveTarget(pathway, transition.target);
    if (next !== undefined && next !== leaf) out.add(next);
  }
  return out;
}
