/**
 * A problem found in a pathway file, located by a path into the definition such as
 * `states.screening.on.SCREENED[1].target`. `line` and `column` (1-based) are set when the problem
 * could be traced back to the source text.
 */
export interface Problem {
  path: string;
  message: string;
  line?: number;
  column?: number;
  /** Set when a lint rule explains a problem the schema refuses (e.g. `top-level-stage`). */
  rule?: string;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * The one way paths are written in problems: identifier keys dotted, array indexes and other keys in
 * brackets. `["states", "screening", "on", "SCREENED", 1, "target"]` →
 * `states.screening.on.SCREENED[1].target`.
 */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of segments) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (typeof segment === "string" && IDENTIFIER.test(segment))
      out += out === "" ? segment : `.${segment}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

/** The inverse of `formatPath`, so that lint paths can be traced back to a line of the source. */
export function splitPath(path: string): (string | number)[] {
  const segments: (string | number)[] = [];
  const pattern = /([A-Za-z_$][A-Za-z0-9_$]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g;
  for (const match of path.matchAll(pattern)) {
    if (match[1] !== undefined) segments.push(match[1]);
    else if (match[2] !== undefined) segments.push(Number(match[2]));
    else if (match[3] !== undefined) segments.push(JSON.parse(match[3]) as string);
  }
  return segments;
}
