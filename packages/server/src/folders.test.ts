/**
 * The folders show the architecture (docs/architecture.md): no import cycles between them, and only
 * `storage/` knows a database. Read from the import statements of the source (tests and test
 * helpers left out). Hand-written rather than a dependency-cruiser configuration: forty lines over
 * our own import style, where the tool would add a configuration language and a large dependency.
 */
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const SRC = dirname(fileURLToPath(import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === "testing" ? [] : sources(path);
    return /\.(ts|mjs)$/.test(e.name) && !/\.test\.ts$/.test(e.name) && !/testing/.test(e.name) ? [path] : [];
  });
}

/** Top folder of a source file; files at the root of src/ (app, server, config, ids) are the composition. */
const folderOf = (file: string) => {
  const parts = relative(SRC, file).split(sep);
  return parts.length > 1 ? parts[0]! : ".";
};

/** folder → folder → one import that makes the edge. */
function folderGraph(): Map<string, Map<string, string>> {
  const graph = new Map<string, Map<string, string>>();
  for (const file of sources(SRC)) {
    const from = folderOf(file);
    for (const m of readFileSync(file, "utf8").matchAll(
      /(?:from|import)\s*\(?\s*["'](\.{1,2}\/[^"']+)["']/g,
    )) {
      const to = folderOf(resolve(dirname(file), m[1]!));
      if (from === to || from === "." || to === ".") continue;
      if (!graph.has(from)) graph.set(from, new Map());
      graph.get(from)!.set(to, `${relative(SRC, file)} imports ${m[1]}`);
    }
  }
  return graph;
}

/** Every edge a → b with a path back from b to a: each names one import that makes it. */
function cyclicEdges(graph: Map<string, Map<string, string>>): string[] {
  const reaches = (from: string, to: string, seen = new Set<string>()): boolean => {
    if (from === to) return true;
    if (seen.has(from)) return false;
    seen.add(from);
    return [...(graph.get(from)?.keys() ?? [])].some((next) => reaches(next, to, seen));
  };
  return [...graph].flatMap(([a, edges]) =>
    [...edges].filter(([b]) => reaches(b, a)).map(([b, why]) => `${a} → ${b} (${why})`),
  );
}

/**
 * Cycles still to break, each named by its edge: the list may only shrink. When one goes, delete
 * it here; a new one fails the test.
 */
const KNOWN_CYCLIC_EDGES: string[] = [];

describe("folders", () => {
  it("storage imports no domain folder: only crypto (the sealing codec) and errors", () => {
    const allowed = new Set(["crypto", "errors"]);
    const edges = [...(folderGraph().get("storage") ?? [])].filter(([to]) => !allowed.has(to));
    expect(edges.map(([to, why]) => `storage → ${to} (${why})`)).toEqual([]);
  });

  it("have no import cycles beyond the known ones", () => {
    const cyclic = cyclicEdges(folderGraph()).map((e) => e.replace(/ \(.*\)$/, ""));
    expect(cyclic.filter((e) => !KNOWN_CYCLIC_EDGES.includes(e))).toEqual([]);
    expect(KNOWN_CYCLIC_EDGES.filter((e) => !cyclic.includes(e))).toEqual([]);
  });
});
