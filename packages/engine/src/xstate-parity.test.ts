/**
 * The engine drives XState through an actor scope it builds once (`compile.ts`, `inertScope`), with
 * fields XState does not document (`actionExecutor`). XState's own pure `transition()` builds a
 * fresh actor for every call and is the reference: on every shipped pathway, from every leaf, for
 * every event handled there, with the data values and the kinds of case the guards tell apart, both
 * must give the same next state and the same actions with the same params. An XState upgrade (the
 * version is pinned exactly in package.json) that changed what the engine does fails here.
 */
import {
  CONSENT_SCOPES,
  type Condition,
  isClosedPath,
  type Pathway,
  type TransitionList,
} from "@passerelle/definitions";
import { describe, expect, it } from "vitest";
import { initialTransition, transition } from "xstate";
import { compile, type EngineEvent } from "./compile.ts";
import type { ConditionScope } from "./conditions.ts";
import { shippedPathways, tiny } from "./testing/load.ts";
import type { Json, PersonAttributes } from "./types.ts";

const NOW = new Date("2026-06-01T12:00:00.000Z");
const LONG_AGO = "2025-01-01T00:00:00.000Z";

const PEOPLE: Record<string, PersonAttributes> = {
  adult: { birthDate: "1990-01-01", sex: "female", nationality: "GH" },
  child: { birthDate: "2014-01-01", sex: "male", nationality: "ML" },
  uncertain: { ageUncertain: true, sex: "female" },
};

/** Every value a guard compares a field with, per field path (`data.x`, `facts.x`, `person.x`). */
function guardValues(pathway: Pathway): Map<string, Set<Json>> {
  const values = new Map<string, Set<Json>>();
  const visit = (condition: Condition) => {
    if ("op" in condition) {
      const set = values.get(condition.field) ?? new Set<Json>();
      for (const value of [condition.value].flat()) if (value !== undefined) set.add(value as Json);
      values.set(condition.field, set);
    } else if ("all" in condition) condition.all.forEach(visit);
    else if ("any" in condition) condition.any.forEach(visit);
    else if ("not" in condition) visit(condition.not);
  };
  const lists: TransitionList[] = [];
  const walk = (states: Pathway["states"] | undefined) => {
    for (const node of Object.values(states ?? {})) {
      if (!node) continue;
      lists.push(...Object.values(node.on ?? {}));
      walk(node.states);
    }
  };
  walk(pathway.states);
  lists.push(...Object.values(pathway.anywhere ?? {}));
  for (const list of lists) for (const t of [list].flat()) if (t.guard) visit(t.guard);
  return values;
}

/** Event data variants: each compared field absent, then at each compared value (one at a time). */
function dataVariants(
  type: string,
  pathway: Pathway,
  compared: Map<string, Set<Json>>,
): Record<string, Json>[] {
  const fields = Object.keys(pathway.events[type]?.data ?? {});
  const variants: Record<string, Json>[] = [{}];
  for (const field of fields) {
    for (const value of compared.get(`data.${field}`) ?? []) variants.push({ [field]: value });
    // `exists` guards: any value will do.
    if (!compared.has(`data.${field}`)) variants.push({ [field]: "present" });
  }
  // All compared fields at their first value together (guards with `all` over several fields).
  const together: Record<string, Json> = {};
  for (const field of fields) {
    const first = [...(compared.get(`data.${field}`) ?? [])][0];
    if (first !== undefined) together[field] = first;
  }
  variants.push(together);
  return variants;
}

/** Case facts: none, and every compared fact at each value with every timestamp long past. */
function factVariants(compared: Map<string, Set<Json>>): Record<string, Json>[] {
  const facts = [...compared.keys()].filter((k) => k.startsWith("facts.")).map((k) => k.slice(6));
  const variants: Record<string, Json>[] = [{}];
  const longest = Math.max(0, ...facts.map((f) => compared.get(`facts.${f}`)?.size ?? 0));
  for (let i = 0; i < longest; i++) {
    const variant: Record<string, Json> = { reasonableGroundsAt: LONG_AGO, returnedAt: LONG_AGO };
    for (const fact of facts) {
      const values = [...(compared.get(`facts.${fact}`) ?? [])];
      if (values.length > 0) variant[fact] = values[i % values.length]!;
    }
    variants.push(variant);
  }
  return variants;
}

/** What a transition does, comparable: next state value and every action with its params. */
function outcome([snapshot, actions]: readonly [
  { value: unknown },
  readonly { type: string; params?: unknown }[],
]) {
  return { value: snapshot.value, actions: actions.map((a) => ({ type: a.type, params: a.params ?? null })) };
}

const pathways: [string, Pathway][] = [
  ["ZZ@1 (tiny)", tiny(1)],
  ...shippedPathways().map(
    ({ pathway }) => [`${pathway.country}@${pathway.version}`, pathway] as [string, Pathway],
  ),
];

describe("the engine's transitions equal XState's own transition()", () => {
  it.each(pathways)("%s: from every leaf, for every event and kind of case", (_name, pathway) => {
    const compiled = compile(pathway);
    expect(outcome(compiled.initial())).toEqual(outcome(initialTransition(compiled.machine)));

    const compared = guardValues(pathway);
    const facts = factVariants(compared);
    const consents = [[], CONSENT_SCOPES.map((scope) => ({ scope, given: true, at: LONG_AGO }))];
    let checked = 0;
    let moved = 0;
    for (const leaf of compiled.index.leaves) {
      if (isClosedPath(leaf)) continue;
      const snapshot = compiled.snapshotOf(leaf);
      for (const type of compiled.candidates.get(leaf)!.keys()) {
        for (const data of dataVariants(type, pathway, compared)) {
          for (const person of Object.values(PEOPLE)) {
            for (const given of consents) {
              for (const known of facts) {
                const scope: ConditionScope = {
                  data,
                  facts: known,
                  person,
                  consents: given,
                  now: NOW,
                  settings: pathway,
                };
                const event: EngineEvent = { type, data, scope };
                const ours = outcome(compiled.transition(snapshot, event));
                const theirs = outcome(transition(compiled.machine, snapshot, event));
                if (JSON.stringify(ours) !== JSON.stringify(theirs))
                  expect(ours, `${leaf} ${type} ${JSON.stringify(data)}`).toEqual(theirs);
                checked++;
                if (ours.actions.length > 0) moved++;
              }
            }
          }
        }
      }
    }
    // The walk took transitions, not only refusals: guards were both passed and failed.
    expect(moved).toBeGreaterThan(0);
    expect(moved).toBeLessThan(checked);
  });
});
