import { BUILTIN_EVENTS, isBuiltinEvent } from "../builtin-events.ts";
import type { EventSpec } from "../event.ts";
import type { FieldSpec } from "../field.ts";
import type { Pathway } from "../pathway.ts";
import { walkTransitions } from "../tree.ts";

/** The spec of an event a state may handle: declared by the pathway, or built in. */
export function eventSpec(pathway: Pathway, event: string): EventSpec | undefined {
  if (Object.hasOwn(pathway.events, event)) return pathway.events[event];
  if (isBuiltinEvent(event)) return BUILTIN_EVENTS[event] as unknown as EventSpec;
  return undefined;
}

/** Facts some transition records (copied from event data) or stamps (the time of the event). */
export function knownFacts(pathway: Pathway): Set<string> {
  const facts = new Set<string>();
  for (const { transition } of walkTransitions(pathway)) {
    for (const name of transition.record ?? []) facts.add(name);
    for (const name of transition.stamp ?? []) facts.add(name);
  }
  return facts;
}

/**
 * The event fields a fact is recorded from, so that a guard on `facts.x` can be checked like one on
 * `data.x`. A stamped fact has no field (it holds a time), so it yields `undefined` among them.
 */
export function factSources(pathway: Pathway, fact: string): (FieldSpec | undefined)[] {
  const out: (FieldSpec | undefined)[] = [];
  for (const { event, transition } of walkTransitions(pathway)) {
    if (transition.record?.includes(fact)) out.push(eventSpec(pathway, event)?.data[fact]);
    if (transition.stamp?.includes(fact)) out.push(undefined);
  }
  return out;
}
