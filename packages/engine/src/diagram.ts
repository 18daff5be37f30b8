/**
 * The pathway as a Mermaid `stateDiagram-v2`, for committees reviewing a version before publishing
 * it. Generated from the definition alone, so it cannot drift from what the engine runs.
 */
import type { LocalizedText, Pathway, StateNode } from "@passerelle/definitions";
import { transitionsOf } from "./compile.ts";
import { describe } from "./conditions.ts";

export interface DiagramOptions {
  /** Label language; default the pathway's first language. */
  language?: string;
}

/** Mermaid ids allow letters, digits and underscores only. */
const idOf = (path: string) => path.replaceAll(".", "__");

/** Strips what would break Mermaid's line syntax (colons, quotes, braces, line breaks). */
function clean(text: string): string {
  return text
    .replace(/[:"{}\n\r;#]/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

export function toMermaid(pathway: Pathway, options: DiagramOptions = {}): string {
  const language = options.language ?? pathway.languages[0] ?? "en";
  const label = (text: LocalizedText) => clean(text[language] ?? Object.values(text)[0] ?? "");
  const lines: string[] = ["stateDiagram-v2"];
  const edges: string[] = [];

  const edgeLabel = (type: string, guard: Parameters<typeof describe>[0] | undefined) =>
    guard ? `${type} [${clean(describe(guard))}]` : type;

  const visit = (node: StateNode, path: string, indent: string) => {
    const id = idOf(path);
    lines.push(`${indent}state "${label(node.label)}" as ${id}`);
    if (node.states) {
      lines.push(`${indent}state ${id} {`);
      lines.push(`${indent}  [*] --> ${idOf(`${path}.${node.initial}`)}`);
      for (const [key, child] of Object.entries(node.states)) visit(child, `${path}.${key}`, `${indent}  `);
      lines.push(`${indent}}`);
    }
    if (node.type === "final") edges.push(`${id} --> [*]`);
    for (const [type, list] of Object.entries(node.on ?? {})) {
      for (const transition of transitionsOf(list)) {
        edges.push(`${id} --> ${idOf(transition.target ?? path)} : ${edgeLabel(type, transition.guard)}`);
      }
    }
  };

  const stages = Object.entries(pathway.states).filter(
    (entry): entry is [string, StateNode] => entry[1] !== undefined,
  );
  lines.push("  [*] --> identification");
  for (const [key, node] of stages) visit(node, key, "  ");
  // `anywhere` applies in every stage but closed: drawn from each stage so the diagram says so.
  for (const [type, list] of Object.entries(pathway.anywhere ?? {})) {
    for (const transition of transitionsOf(list)) {
      for (const [key] of stages) {
        if (key === "closed") continue;
        edges.push(
          `${idOf(key)} --> ${idOf(transition.target ?? key)} : ${edgeLabel(type, transition.guard)}`,
        );
      }
    }
  }
  for (const edge of edges) lines.push(`  ${edge}`);
  return `${lines.join("\n")}\n`;
}
