import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { type Document, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { TOP_LEVEL_STAGE, topLevelStageMessage } from "./lint/rules/top-level-stage.ts";
import { Pathway } from "./pathway.ts";
import { formatPath, type Problem } from "./problem.ts";

export type PathwayFormat = "yaml" | "json";

export type ParseResult = { ok: true; pathway: Pathway } | { ok: false; problems: Problem[] };

export interface ParseOptions {
  format: PathwayFormat;
  /**
   * The file the text came from. Problems carry only paths and lines, so that the same text gives the
   * same problems wherever it lives; callers print the file beside them.
   */
  file?: string;
}

/** Where a path points in the source text, 1-based. */
export interface SourcePosition {
  line: number;
  column: number;
}

/** A parsed source text, kept so that problem paths can be traced back to lines. */
export interface PathwaySource {
  raw: unknown;
  /** Line and column of the value (or key) at a path, or of the nearest parent that exists. */
  locate(path: readonly PropertyKey[]): SourcePosition | undefined;
}

type Issue = z.core.$ZodIssue;

/**
 * Reads a pathway definition from YAML or JSON text and validates it. Syntax errors come back with
 * their line and column; schema problems with the path into the definition (and the line where it
 * could be traced). Duplicate keys are refused in both formats: the last one silently winning is how
 * a deadline gets lost in review.
 */
export function parsePathway(text: string, options: ParseOptions): ParseResult {
  const source = readSource(text, options.format);
  if (!source.ok) return { ok: false, problems: source.problems };
  return validatePathway(source.source);
}

/** Reads a pathway file; the format follows the extension (`.json`, otherwise YAML). */
export function loadPathwayFile(file: string): ParseResult {
  return parsePathway(readFileSync(file, "utf8"), { format: formatOf(file), file });
}

export function formatOf(file: string): PathwayFormat {
  return extname(file).toLowerCase() === ".json" ? "json" : "yaml";
}

/** Validates an already parsed source against the schema, locating each problem. */
export function validatePathway(source: PathwaySource): ParseResult {
  const result = Pathway.safeParse(source.raw, { reportInput: true });
  if (result.success) return { ok: true, pathway: result.data };
  const problems = result.error.issues.flatMap((issue) => issueProblems(issue, []));
  return {
    ok: false,
    problems: dedupe(problems)
      .map((problem) => ({ ...problem, ...source.locate(problem.segments) }))
      .map(strip),
  };
}

/** Parses the text into plain data without validating it (syntax and duplicate keys only). */
export function readSource(
  text: string,
  format: PathwayFormat,
): { ok: true; source: PathwaySource } | { ok: false; problems: Problem[] } {
  const lineCounter = new LineCounter();
  if (format === "json") {
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch (error) {
      return { ok: false, problems: [jsonSyntaxProblem(text, error)] };
    }
    // JSON is YAML 1.2: the YAML parser finds duplicate keys (which JSON.parse hides) and positions.
    const doc = parseDocument(text, { lineCounter, uniqueKeys: true });
    const duplicates = doc.errors.filter((e) => e.code === "DUPLICATE_KEY").map((e) => yamlProblem(e));
    if (duplicates.length > 0) return { ok: false, problems: duplicates };
    return {
      ok: true,
      source: { raw, locate: doc.errors.length ? () => undefined : locator(doc, lineCounter) },
    };
  }
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true });
  if (doc.errors.length > 0) return { ok: false, problems: doc.errors.map((e) => yamlProblem(e)) };
  let raw: unknown;
  try {
    raw = doc.toJS({ maxAliasCount: 100 });
  } catch (error) {
    return { ok: false, problems: [{ path: "", message: (error as Error).message }] };
  }
  return { ok: true, source: { raw, locate: locator(doc, lineCounter) } };
}

function yamlProblem(error: {
  message: string;
  linePos?: [{ line: number; col: number }, ...unknown[]];
}): Problem {
  // The yaml package appends "at line L, column C:" and a code excerpt; keep the first sentence only.
  const message = error.message.split(/ at line \d+, column \d+/)[0] ?? error.message;
  const pos = error.linePos?.[0];
  return {
    path: "",
    message: `YAML syntax: ${message}`,
    ...(pos ? { line: pos.line, column: pos.col } : {}),
  };
}

function jsonSyntaxProblem(text: string, error: unknown): Problem {
  const message = (error as Error).message;
  const at = /position (\d+)/.exec(message);
  // Node 20 names the token but not always its position; drop the excerpt of the text it quotes.
  if (!at) return { path: "", message: `JSON syntax: ${message.replace(/, ".*" is not valid JSON$/s, "")}` };
  const before = text.slice(0, Number(at[1])).split("\n");
  return {
    path: "",
    message: `JSON syntax: ${message.replace(/ in JSON at position \d+.*$/, "")}`,
    line: before.length,
    column: (before.at(-1)?.length ?? 0) + 1,
  };
}

function locator(doc: Document, lineCounter: LineCounter): PathwaySource["locate"] {
  return (path) => {
    let node: unknown = doc.contents;
    let offset: number | undefined = rangeStart(node);
    for (const segment of path) {
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
        );
        if (!pair) break;
        // Point at the key: the value of a long mapping starts on the next line.
        offset = rangeStart(pair.key) ?? rangeStart(pair.value) ?? offset;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === "number") {
        const item = node.items[segment];
        if (item === undefined) break;
        offset = rangeStart(item) ?? offset;
        node = item;
      } else break;
    }
    if (offset === undefined) return undefined;
    const pos = lineCounter.linePos(offset);
    return { line: pos.line, column: pos.col };
  };
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null)?.range;
  return range?.[0];
}

type LocatedProblem = Problem & { segments: PropertyKey[] };

/** Turns one zod issue into problems with readable messages and full paths. */
function issueProblems(issue: Issue, prefix: PropertyKey[]): LocatedProblem[] {
  const segments = [...prefix, ...issue.path];
  const at = (extra: PropertyKey[], message: string, rule?: string): LocatedProblem => ({
    path: formatPath([...segments, ...extra]),
    segments: [...segments, ...extra],
    message,
    ...(rule ? { rule } : {}),
  });
  switch (issue.code) {
    case "unrecognized_keys":
      return issue.keys.map((key) =>
        segments.length === 1 && segments[0] === "states"
          ? at([key], topLevelStageMessage(key), TOP_LEVEL_STAGE)
          : at([key], `unknown property '${key}'`),
      );
    case "invalid_union": {
      const branch = bestBranch(issue.errors);
      if (branch) return branch.flatMap((inner) => issueProblems(inner, segments));
      return [at([], unionMessage(issue))];
    }
    default:
      if (isMissing(issue)) return [at([], "is required")];
      return [at([], issue.message.replace(/^Invalid input: /, ""))];
  }
}

/** A required key that is absent: zod reports it at the key with no input. */
function isMissing(issue: Issue): boolean {
  return (
    (issue.code === "invalid_type" || issue.code === "invalid_value") &&
    issue.path.length > 0 &&
    issue.input === undefined
  );
}

/**
 * How badly the input misses a union branch: wrong type, unknown or missing keys count; a wrong
 * value inside a branch of the right shape does not. The branch that fits the shape best is the one
 * the author meant, so its problems are the ones worth reporting.
 */
function mismatch(issues: readonly Issue[]): number {
  let score = 0;
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") score += issue.keys.length;
    else if (issue.code === "invalid_type" && issue.path.length === 0) score += 100;
    else if (issue.code === "invalid_union" && issue.path.length === 0)
      score += Math.min(...issue.errors.map(mismatch));
    else if (isMissing(issue)) score += 1;
  }
  return score;
}

function bestBranch(branches: readonly (readonly Issue[])[]): readonly Issue[] | undefined {
  const scored = branches.map((issues) => ({ issues, score: mismatch(issues) }));
  const best = Math.min(...scored.map((s) => s.score));
  const winners = scored.filter((s) => s.score === best);
  if (best >= 100 || winners.length !== 1) return undefined;
  return winners[0]?.issues;
}

function unionMessage(issue: Extract<Issue, { code: "invalid_union" }>): string {
  const expected = new Set<string>();
  for (const branch of issue.errors) {
    for (const inner of branch)
      if (inner.code === "invalid_type" && inner.path.length === 0) expected.add(inner.expected);
  }
  const received = issue.input === null ? "null" : Array.isArray(issue.input) ? "array" : typeof issue.input;
  if (expected.size === issue.errors.length && expected.size > 0)
    return `expected ${[...expected].join(" or ")}, received ${received}`;
  return "does not match any of the allowed forms";
}

function dedupe(problems: LocatedProblem[]): LocatedProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function strip({ segments: _segments, ...problem }: LocatedProblem & Partial<SourcePosition>): Problem {
  return problem;
}
