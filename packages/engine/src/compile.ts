/**
 * Compiles a pathway definition into an XState v5 machine. One `setup()` owns every guard and
 * action by name; the generated config only names them with `params`, so conditions stay data and
 * the machine carries no code from the definition. XState never runs a timer or an action here:
 * `step` asks for XState's pure transition and turns the returned actions into effects.
 */
import {
  BUILTIN_EVENTS,
  type Condition,
  type ConsentScope,
  contentHash,
  type EventSpec,
  isClosedPath,
  type Pathway,
  type StateNode,
  type Transition,
  type TransitionList,
  transitionsFrom,
} from "@passerelle/definitions";
import type { ValidateFunction } from "ajv";
import {
  type ActorScope,
  and,
  createActor,
  type ExecutableActionObject,
  not,
  or,
  setup,
  stateIn,
} from "xstate";
import { type ConditionScope, compare, consentGiven, elapsed, isMinor } from "./conditions.ts";
import { compileValidator, eventDataSchema, type JsonSchema } from "./data-schema.ts";
import { indexStates, type StateIndex, toStateValue } from "./state-index.ts";
import type { Json } from "./types.ts";

/**
 * The event XState sees: the client's type and data plus everything guards may read, so that
 * guards stay pure functions of their arguments.
 */
export interface EngineEvent {
  type: string;
  data: Record<string, Json>;
  scope: ConditionScope;
}

type Comparison = Extract<Condition, { op: string }>;
type ElapsedParams = Extract<Condition, { elapsed: unknown }>["elapsed"];

/** Names of the actions the machine emits; `step` maps each to facts and effects. */
export interface ActionParams {
  recordFacts: { fields: string[] };
  stampFacts: { fields: string[] };
  recordConsent: Record<string, never>;
  scheduleTasks: { state: string };
  cancelTasks: { state: string };
  notifyResponsible: { state: string };
}

const noop = () => {};

/**
 * The single setup shared by every pathway. Action bodies are empty on purpose: the engine never
 * executes actions, it reads them (with their params) from `transition()`'s result.
 */
export const engineSetup = setup({
  types: { context: {} as Record<string, never>, events: {} as EngineEvent },
  guards: {
    comparison: ({ event }, params: Comparison) => compare(params, event.scope),
    isMinor: ({ event }, params: { isMinor: boolean }) =>
      isMinor(event.scope.person, event.scope.now, event.scope.settings.timezone) === params.isMinor,
    consentGiven: ({ event }, params: { consent: ConsentScope }) =>
      consentGiven(event.scope.consents, params.consent),
    elapsed: ({ event }, params: ElapsedParams) => elapsed(params.since, params.atLeast, event.scope),
  },
  actions: {
    recordFacts: (_, _params: ActionParams["recordFacts"]) => noop(),
    stampFacts: (_, _params: ActionParams["stampFacts"]) => noop(),
    recordConsent: (_, _params: ActionParams["recordConsent"]) => noop(),
    scheduleTasks: (_, _params: ActionParams["scheduleTasks"]) => noop(),
    cancelTasks: (_, _params: ActionParams["cancelTasks"]) => noop(),
    notifyResponsible: (_, _params: ActionParams["notifyResponsible"]) => noop(),
  },
});

export type EngineMachine = ReturnType<typeof engineSetup.createMachine>;
export type EngineSnapshot = ReturnType<EngineMachine["resolveState"]>;
type MachineConfig = Parameters<typeof engineSetup.createMachine>[0];
type GuardConfig = unknown;

/** Translates the condition vocabulary into named guards, combined with XState's `and`/`or`/`not`. */
export function toGuard(condition: Condition): GuardConfig {
  if ("op" in condition) return { type: "comparison", params: condition };
  if ("isMinor" in condition) return { type: "isMinor", params: condition };
  if ("consent" in condition) return { type: "consentGiven", params: condition };
  if ("elapsed" in condition) return { type: "elapsed", params: condition.elapsed };
  if ("all" in condition) return and(condition.all.map(toGuard) as never);
  if ("any" in condition) return or(condition.any.map(toGuard) as never);
  return not(toGuard(condition.not) as never);
}

/** Transitions that apply everywhere must not reopen a closed case. */
const NOT_CLOSED = not(stateIn("#closed"));

export function transitionsOf(list: TransitionList | undefined): Transition[] {
  if (!list) return [];
  return Array.isArray(list) ? list : [list];
}

function transitionConfig(transition: Transition, everywhere: boolean): Record<string, unknown> {
  const guards: GuardConfig[] = [];
  if (everywhere) guards.push(NOT_CLOSED);
  if (transition.guard) guards.push(toGuard(transition.guard));
  // `recordFacts` is on every transition, even with nothing to record: its presence in XState's
  // result is how `step` knows a transition was taken rather than every guard failing.
  const actions: unknown[] = [{ type: "recordFacts", params: { fields: transition.record ?? [] } }];
  if (transition.stamp?.length) actions.push({ type: "stampFacts", params: { fields: transition.stamp } });
  const config: Record<string, unknown> = { actions };
  if (transition.target) config.target = `#${transition.target}`;
  if (guards.length === 1) config.guard = guards[0];
  else if (guards.length > 1) config.guard = and(guards as never);
  return config;
}

function onConfig(on: Record<string, TransitionList> | undefined, everywhere: boolean) {
  return Object.fromEntries(
    Object.entries(on ?? {}).map(([type, list]) => [
      type,
      transitionsOf(list).map((t) => transitionConfig(t, everywhere)),
    ]),
  );
}

function stateConfig(node: StateNode, path: string): Record<string, unknown> {
  const entry: unknown[] = [{ type: "scheduleTasks", params: { state: path } }];
  if (node.responsible?.length) entry.push({ type: "notifyResponsible", params: { state: path } });
  const config: Record<string, unknown> = {
    id: path,
    entry,
    exit: [{ type: "cancelTasks", params: { state: path } }],
  };
  if (node.type === "final") config.type = "final";
  if (node.states) {
    config.initial = node.initial;
    config.states = Object.fromEntries(
      Object.entries(node.states).map(([key, child]) => [key, stateConfig(child, `${path}.${key}`)]),
    );
  }
  if (node.on) config.on = onConfig(node.on, false);
  return config;
}

/** Builds the machine config from the definition: data in, names and params out. */
export function machineConfig(pathway: Pathway): Record<string, unknown> {
  const builtins = Object.fromEntries(
    Object.keys(BUILTIN_EVENTS).map((type) => [
      type,
      [{ guard: NOT_CLOSED, actions: [{ type: "recordConsent", params: {} }] }],
    ]),
  );
  return {
    id: `${pathway.country}@${pathway.version}`,
    initial: "identification",
    states: Object.fromEntries(
      Object.entries(pathway.states)
        .filter((entry): entry is [string, StateNode] => entry[1] !== undefined)
        .map(([key, node]) => [key, stateConfig(node, key)]),
    ),
    on: { ...onConfig(pathway.anywhere, true), ...builtins },
  };
}

/** A transition that may handle an event in a leaf, in the order XState tries them. */
export interface Candidate {
  /** The state declaring it, or null for `anywhere` and built-in events. */
  source: string | null;
  transition: Transition;
}

type AnyEventSpec = Pick<EventSpec, "label" | "data" | "roles">;

/** A pathway compiled once: the machine plus the indexes and validators every step needs. */
export interface CompiledPathway {
  key: string;
  pathway: Pathway;
  machine: EngineMachine;
  index: StateIndex;
  /** Per leaf: event type → candidates (leaf, ancestors, anywhere, built-ins). Empty for closed leaves. */
  candidates: Map<string, Map<string, Candidate[]>>;
  /** Declared and built-in events by type. */
  events: Map<string, AnyEventSpec>;
  /** The resolved XState snapshot of a leaf (context is empty, so one per leaf is enough). */
  snapshotOf(leaf: string): EngineSnapshot;
  /**
   * XState's pure transition: the next snapshot and the actions to execute, none executed. Same
   * as xstate's `transition(machine, snapshot, event)`, which builds a throw-away actor (and with
   * it the machine's whole initial state) on every call; here that inert scope is built once.
   */
  transition(snapshot: EngineSnapshot, event: EngineEvent): [EngineSnapshot, ExecutableActionObject[]];
  /** XState's pure initial transition (as `initialTransition(machine)`), through the same scope. */
  initial(): [EngineSnapshot, ExecutableActionObject[]];
  validator(type: string): ValidateFunction;
  dataSchema(type: string): JsonSchema;
}

/** Candidates per leaf and event, in the order XState tries them (the definitions' tree gives it). */
function buildCandidates(pathway: Pathway, index: StateIndex): Map<string, Map<string, Candidate[]>> {
  const result = new Map<string, Map<string, Candidate[]>>();
  for (const leaf of index.leaves) {
    const byType = new Map<string, Candidate[]>();
    result.set(leaf, byType);
    if (isClosedPath(leaf)) continue;
    const add = (type: string, candidate: Candidate) => {
      const list = byType.get(type);
      if (list) list.push(candidate);
      else byType.set(type, [candidate]);
    };
    for (const { event, source, transition } of transitionsFrom(pathway, leaf))
      add(event, { source: source ?? null, transition });
    for (const type of Object.keys(BUILTIN_EVENTS)) add(type, { source: null, transition: {} });
  }
  return result;
}

type EngineScope = ActorScope<EngineSnapshot, EngineEvent>;

/**
 * An actor scope that executes nothing, as xstate's own `transition()` makes (minus the fresh
 * system it needs only for child actors with a `systemId`, which pathways never have).
 */
function inertScope(machine: EngineMachine): EngineScope {
  const self = createActor(machine);
  return {
    self,
    id: "",
    sessionId: "",
    logger: () => {},
    defer: () => {},
    emit: () => {},
    system: self.system,
    stopChild: () => {},
    actionExecutor: () => {},
  } as unknown as EngineScope;
}

function build(pathway: Pathway, key: string): CompiledPathway {
  const index = indexStates(pathway);
  const machine = engineSetup.createMachine(machineConfig(pathway) as unknown as MachineConfig);
  const events = new Map<string, AnyEventSpec>([
    ...Object.entries(pathway.events),
    ...(Object.entries(BUILTIN_EVENTS) as [string, AnyEventSpec][]),
  ]);
  const language = pathway.languages[0] ?? "en";
  const snapshots = new Map<string, EngineSnapshot>();
  const scope = inertScope(machine);
  const schemas = new Map<string, JsonSchema>();
  const validators = new Map<string, ValidateFunction>();
  const dataSchema = (type: string) => {
    let schema = schemas.get(type);
    if (!schema) {
      const spec = events.get(type);
      if (!spec) throw new Error(`unknown event '${type}'`);
      schema = eventDataSchema(spec, language);
      schemas.set(type, schema);
    }
    return schema;
  };
  return {
    key,
    pathway,
    machine,
    index,
    candidates: buildCandidates(pathway, index),
    events,
    snapshotOf(leaf) {
      let snapshot = snapshots.get(leaf);
      if (!snapshot) {
        snapshot = machine.resolveState({ value: toStateValue(leaf) as never, context: {} });
        snapshots.set(leaf, snapshot);
      }
      return snapshot;
    },
    transition(snapshot, event) {
      const actions: ExecutableActionObject[] = [];
      scope.actionExecutor = (action) => {
        actions.push(action);
      };
      return [machine.transition(snapshot, event, scope as never), actions];
    },
    initial() {
      const actions: ExecutableActionObject[] = [];
      scope.actionExecutor = (action) => {
        actions.push(action);
      };
      return [machine.getInitialSnapshot(scope as never), actions];
    },
    validator(type) {
      let validate = validators.get(type);
      if (!validate) {
        validate = compileValidator(dataSchema(type));
        validators.set(type, validate);
      }
      return validate;
    },
    dataSchema,
  };
}

const byObject = new WeakMap<Pathway, CompiledPathway>();
const byKey = new Map<string, CompiledPathway>();
const MAX_BY_KEY = 64;

/**
 * Compiles a pathway, cached per object and per `country@version#contentHash`: compiling is costly
 * and a published version never changes.
 */
export function compile(pathway: Pathway): CompiledPathway {
  const cached = byObject.get(pathway);
  if (cached) return cached;
  // Equal definitions loaded as different objects (a re-read file) share one compiled machine.
  const key = `${pathway.country}@${pathway.version}#${contentHash(pathway)}`;
  let compiled = byKey.get(key);
  if (!compiled) {
    compiled = build(pathway, key);
    // Drafts being edited compile under ever new hashes: keep the most recent few only.
    if (byKey.size >= MAX_BY_KEY) byKey.delete(byKey.keys().next().value!);
    byKey.set(key, compiled);
  }
  byObject.set(pathway, compiled);
  return compiled;
}
