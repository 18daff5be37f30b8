/**
 * Pathway labels in the user's language where the pathway has it, else the pathway's first
 * language (the pathway's default), else any.
 */
import type { Labels, PathwayDefinition, StateNode } from "./types.ts";

export function pick(labels: Labels | undefined, language: string, pathwayLanguages: string[] = []): string {
  if (!labels) return "";
  const first = pathwayLanguages[0];
  return labels[language] ?? (first ? labels[first] : undefined) ?? Object.values(labels)[0] ?? "";
}

/** The labels of each level of a dotted state path, e.g. ["Screening", "Reasonable grounds"]. */
export function stateLabels(
  definition: PathwayDefinition | undefined,
  path: string,
  language: string,
): string[] {
  if (!definition) return path.split(".");
  const labels: string[] = [];
  let level: Record<string, StateNode> | undefined = definition.states;
  for (const key of path.split(".")) {
    const node: StateNode | undefined = level?.[key];
    labels.push(node ? pick(node.label, language, definition.languages) : key);
    level = node?.states;
  }
  return labels;
}

/** Events every pathway has without defining them: their names are interface messages. */
const BUILT_IN_EVENTS: Record<string, string> = {
  CASE_OPENED: "history.opened",
  RECORD_CONSENT: "history.consent",
};

/** An event's name for people: the pathway's label, an interface message for a built-in event, else its type. */
export function eventName(
  type: string,
  definition: PathwayDefinition | undefined,
  language: string,
  t: (id: string) => string,
): string {
  const builtIn = BUILT_IN_EVENTS[type];
  if (builtIn) return t(builtIn);
  return pick(definition?.events[type]?.label, language, definition?.languages) || type;
}
