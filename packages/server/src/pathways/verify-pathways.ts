/**
 * The checks a pathway passes before the server serves it: the schema (when the file is read), every
 * lint rule, and the compile. A pathway that fails one would boot, have its hash locked, and then
 * answer 500 to the first case opened on it; the server refuses to start instead, listing each
 * problem with its file and its path into the definition.
 */
import { lintPathway, type ShippedPathway } from "@passerelle/definitions";
import { compile } from "@passerelle/engine";

/** Every problem of the given pathways, one line each: `file: path: message [rule]`. */
export function pathwayProblems(shipped: readonly ShippedPathway[]): string[] {
  const lines: string[] = [];
  for (const { file, pathway } of shipped) {
    const lint = lintPathway(pathway);
    for (const problem of lint) lines.push(`${file}: ${problem.path}: ${problem.message} [${problem.rule}]`);
    if (lint.length > 0) continue;
    try {
      // Compiling and resolving the initial state is what opening the first case does.
      compile(pathway).initial();
    } catch (error) {
      lines.push(`${file}: does not compile: ${(error as Error).message} [compile]`);
    }
  }
  return lines;
}

/** Throws, naming every problem, when a pathway fails its checks. */
export function assertPathwaysValid(shipped: readonly ShippedPathway[]): void {
  const problems = pathwayProblems(shipped);
  if (problems.length === 0) return;
  throw new Error(
    [
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in the pathways to load; the server does not start with them:`,
      ...problems.map((line) => `  ${line}`),
      "Fix each file (`pnpm passerelle pathways lint <file>` shows every problem with its line), or remove it from the pathway folders.",
    ].join("\n"),
  );
}
