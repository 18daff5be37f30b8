/**
 * The pathway drawn from its definition: each leaf state a box inside its stage, an arrow per
 * possible move, the case's state marked. Laid out by dagre and drawn as plain SVG styled by the
 * console's stylesheet — Mermaid's renderer writes inline <style> elements, which the
 * Content-Security-Policy forbids, and would be the largest chunk of the console. Loaded only on
 * this screen. The state tree beside it carries the same states as text for screen readers.
 */
import dagre from "@dagrejs/dagre";
import { useEffect, useMemo, useRef } from "react";
import { pick } from "../lib/labels.ts";
import type { PathwayDefinition, StateNode } from "../lib/types.ts";

interface Move {
  target?: string;
}
type Node = StateNode & { initial?: string; on?: Record<string, Move | Move[]> };

const NODE_HEIGHT = 34;
const CHAR_WIDTH = 6.6;

/** Every state by path, and the leaf a path enters (a compound state enters its initial child). */
function index(states: Record<string, StateNode>) {
  const byPath = new Map<string, Node>();
  const walk = (level: Record<string, StateNode>, prefix: string) => {
    for (const [key, node] of Object.entries(level)) {
      const path = prefix ? `${prefix}.${key}` : key;
      byPath.set(path, node as Node);
      if (node.states) walk(node.states, path);
    }
  };
  walk(states, "");
  const leafOf = (path: string): string => {
    const node = byPath.get(path);
    if (!node?.states) return path;
    const initial = node.initial ?? Object.keys(node.states)[0]!;
    return leafOf(`${path}.${initial}`);
  };
  return { byPath, leafOf };
}

export default function PathwayDiagram({
  definition,
  language,
  highlight,
  label,
}: {
  definition: PathwayDefinition;
  language: string;
  highlight: string | undefined;
  label: string;
}) {
  const layout = useMemo(() => {
    const { byPath, leafOf } = index(definition.states);
    const g = new dagre.graphlib.Graph({ compound: true, multigraph: false });
    g.setGraph({ rankdir: "LR", nodesep: 14, ranksep: 36, marginx: 8, marginy: 8 });
    g.setDefaultEdgeLabel(() => ({}));
    const text = (node: StateNode) => pick(node.label, language, definition.languages);
    for (const [path, node] of byPath) {
      const stage = path.split(".")[0]!;
      if (!path.includes(".")) g.setNode(stage, { label: text(node), cluster: true });
      if (node.states) continue;
      const name = text(node);
      g.setNode(path, {
        label: name,
        width: Math.max(70, name.length * CHAR_WIDTH + 16),
        height: NODE_HEIGHT,
      });
      if (path.includes(".")) g.setParent(path, stage);
    }
    for (const [path, node] of byPath) {
      // A move declared on a compound state applies anywhere inside it: drawn from where it is entered.
      const from = leafOf(path);
      for (const moves of Object.values(node.on ?? {})) {
        for (const move of [moves].flat()) {
          if (!move.target) continue;
          const to = leafOf(move.target);
          if (to !== from && g.hasNode(to) && !g.hasEdge(from, to))
            g.setEdge(from, to, { compound: !!node.states });
        }
      }
    }
    dagre.layout(g);
    const graph = g.graph() as { width?: number; height?: number };
    return { g, width: graph.width ?? 0, height: graph.height ?? 0 };
  }, [definition, language]);

  const { g, width, height } = layout;
  const container = useRef<HTMLElement>(null);
  // The diagram is wider than a screen: bring the case's state into view.
  useEffect(() => {
    container.current?.querySelector(".state.here")?.scrollIntoView({ block: "nearest", inline: "center" });
  }, []);
  const onPath = (path: string) => highlight === path || (highlight?.startsWith(`${path}.`) ?? false);
  return (
    // Focusable so that keyboard users can scroll a diagram wider than the screen.
    // biome-ignore lint/a11y/noNoninteractiveTabindex: a scrollable region must take focus (WCAG 2.1.1)
    <section ref={container} className="diagram" tabIndex={0} aria-label={label}>
      <svg role="img" aria-label={label} width={width} height={height} viewBox={`0 0 ${width} ${height}`}>
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" className="arrow-head" />
          </marker>
        </defs>
        {g.nodes().map((id) => {
          const n = g.node(id) as {
            x: number;
            y: number;
            width: number;
            height: number;
            label: string;
            cluster?: boolean;
          };
          if (!n.cluster || !g.children(id)?.length) return null;
          return (
            <g key={`cluster-${id}`} className={onPath(id) ? "cluster here" : "cluster"}>
              <rect x={n.x - n.width / 2} y={n.y - n.height / 2} width={n.width} height={n.height} rx={6} />
              <text x={n.x - n.width / 2 + 6} y={n.y - n.height / 2 + 13}>
                {n.label}
              </text>
            </g>
          );
        })}
        {g.edges().map((e) => {
          const edge = g.edge(e) as { points: { x: number; y: number }[]; compound?: boolean };
          const d = edge.points
            .map((p, i) => `${i === 0 ? "M" : "L"}${p.x.toFixed(1)},${p.y.toFixed(1)}`)
            .join(" ");
          return (
            <path
              key={`${e.v}->${e.w}`}
              d={d}
              className={edge.compound ? "edge anywhere" : "edge"}
              markerEnd="url(#arrow)"
            />
          );
        })}
        {g.nodes().map((id) => {
          const n = g.node(id) as {
            x: number;
            y: number;
            width: number;
            height: number;
            label: string;
            cluster?: boolean;
          };
          if (n.cluster && g.children(id)?.length) return null;
          return (
            <g key={id} className={highlight === id ? "state here" : "state"}>
              <rect x={n.x - n.width / 2} y={n.y - n.height / 2} width={n.width} height={n.height} rx={4} />
              <text x={n.x} y={n.y + 4} textAnchor="middle">
                {n.label}
              </text>
            </g>
          );
        })}
      </svg>
    </section>
  );
}
