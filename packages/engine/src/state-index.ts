/**
 * A flat index of a pathway's state tree by dotted path, built once per compiled pathway, so that
 * steps never walk the tree.
 */
import {
  type Pathway,
  type StageId,
  type StateNode,
  selfAndAncestors,
  walkStates,
} from "@passerelle/definitions";

export interface IndexedState {
  path: string;
  node: StateNode;
  /** Paths from the top-level stage down to this state, inclusive. */
  lineage: string[];
  isLeaf: boolean;
  isFinal: boolean;
}

export interface StateIndex {
  byPath: Map<string, IndexedState>;
  /** Leaf paths in document order. */
  leaves: string[];
  /** Top-level stages present, in the fixed stage order. */
  stages: StageId[];
}

/** Every state of the pathway, parents first in document order (walked by the definitions' tree). */
export function indexStates(pathway: Pathway): StateIndex {
  const byPath = new Map<string, IndexedState>();
  const leaves: string[] = [];
  const stages: StageId[] = [];
  for (const { path, node, parent } of walkStates(pathway)) {
    const isLeaf = node.states === undefined;
    byPath.set(path, {
      path,
      node,
      lineage: selfAndAncestors(path).reverse(),
      isLeaf,
      isFinal: node.type === "final",
    });
    if (isLeaf) leaves.push(path);
    if (parent === undefined) stages.push(path as StageId);
  }
  return { byPath, leaves, stages };
}

/** Top-level stage of a dotted state path. */
export function stageOf(statePath: string): StageId {
  const dot = statePath.indexOf(".");
  return (dot === -1 ? statePath : statePath.slice(0, dot)) as StageId;
}

/** Nested XState state value for a dotted leaf path (`a.b.c` → `{ a: { b: "c" } }`). */
export function toStateValue(path: string): string | Record<string, unknown> {
  const parts = path.split(".");
  let value: string | Record<string, unknown> = parts.pop()!;
  while (parts.length) value = { [parts.pop()!]: value };
  return value;
}

/** Dotted leaf path of an XState state value. */
export function fromStateValue(value: unknown): string {
  const parts: string[] = [];
  let current = value;
  while (current && typeof current === "object") {
    const [key, child] = Object.entries(current)[0]!;
    parts.push(key);
    current = child;
  }
  parts.push(String(current));
  return parts.join(".");
}
