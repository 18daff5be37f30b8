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
