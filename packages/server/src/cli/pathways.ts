/**
 * `passerelle pathways …`: the checks a committee runs on a draft before publishing it, and a look
 * at what ships. Every problem prints as `file[:line:column]: path: message [rule]`, one per line,
 * so that editors and CI logs link to the place; any problem makes the exit code 1.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import {
  contentHash,
  formatOf,
  lintPathway,
  lockKey,
  type Pathway,
  type Problem,
  readLock,
  readSource,
  shippedPathwayFiles,
  splitPath,
  validatePathway,
} from "@passerelle/definitions";
import type { Command } from "commander";

interface Checked {
  pathway?: Pathway;
  problems: Problem[];
  /** Traces a lint path back to its line, when the file could be read. */
  locate: (path: string) => { line?: number; column?: number };
}

/**
 * Reads one file and checks it against the schema and every lint rule: a pathway that fails lint
 * (a misspelled target, an undeclared event) is not valid, whatever command is asked. Lint problems
 * carry their line when it can be traced. A file that cannot be read is a problem like any other.
 */
function check(file: string): Checked {
  const parsed = parseChecked(file);
  if (!parsed.pathway) return parsed;
  const lint = lintPathway(parsed.pathway).map((p) => ({ ...p, ...parsed.locate(p.path) }));
  return lint.length === 0 ? parsed : { problems: lint, locate: parsed.locate };
}

/** Schema only (hash uses it: the content hash of a draft with lint problems is still asked for). */
function parseChecked(file: string): Checked {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    return {
      problems: [
        { path: "", message: `cannot read: ${(error as NodeJS.ErrnoException).code ?? String(error)}` },
      ],
      locate: () => ({}),
    };
  }
  const source = readSource(text, formatOf(file));
  if (!source.ok) return { problems: source.problems, locate: () => ({}) };
  const locate = (path: string) => source.source.locate(splitPath(path)) ?? {};
  const result = validatePathway(source.source);
  return result.ok
    ? { pathway: result.pathway, problems: [], locate }
    : { problems: result.problems, locate };
}

/** Companions that sit beside pathways and are not pathways: the engine replays scenarios. */
const COMPANION = /(\.scenarios\.ya?ml|^published\.lock\.json)$/;
/** A pathway file as the server loads them: `<version>.yaml` (or `.yml`, `.json`). */
const VERSION_FILE = /^[1-9][0-9]*\.(ya?ml|json)$/i;

/**
 * Files to check: each file as given, each folder as the pathway files below it, named as the
 * server loads them (`<version>.yaml`), so that scenarios, the publish lock, migration plans and
 * other companions in the same folders are left out. Naming a scenario file or the lock (a shell
 * glob such as `GH/*` does) prints that it is skipped instead of reporting a broken pathway.
 */
function pathwayFiles(args: string[]): { files: string[]; skipped: string[] } {
  const files: string[] = [];
  const skipped: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (VERSION_FILE.test(name)) files.push(path);
    }
  };
  for (const arg of args) {
    if (isDirectory(arg)) walk(arg);
    else if (COMPANION.test(arg.split(/[\\/]/).at(-1) ?? arg)) skipped.push(arg);
    else files.push(arg);
  }
  return { files, skipped };
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function problemLine(
  file: string,
  problem: Problem & { line?: number; column?: number },
  rule?: string,
): string {
  const at = problem.line === undefined ? "" : `:${problem.line}:${problem.column ?? 1}`;
  const tag = rule ?? problem.rule;
  // Syntax and read errors concern the file, not a place in the definition: no path to print.
  const path = problem.path === "" ? "" : `${problem.path}: `;
  return `${file}${at}: ${path}${problem.message}${tag ? ` [${tag}]` : ""}`;
}

/** In file order, so that the output reads top to bottom; problems without a line come last. */
function byLine<T extends { line?: number; column?: number }>(problems: T[]): T[] {
  const key = (p: T) => (p.line ?? Number.MAX_SAFE_INTEGER / 10_000) * 10_000 + (p.column ?? 0);
  return [...problems].sort((a, b) => key(a) - key(b));
}

function summary(problems: number, files: number): void {
  if (problems > 0)
    console.error(
      `${problems} problem${problems === 1 ? "" : "s"} in ${files} file${files === 1 ? "" : "s"}`,
    );
}

/**
 * `validate` and `lint`: every problem of every file, one per line, tagged with its rule (`schema`
 * for the schema's own), then a count; `ok` names a clean file.
 */
function checkAll(paths: string[], ok: (file: string, pathway: Pathway) => string): void {
  const { files, skipped } = pathwayFiles(paths);
  for (const file of skipped) console.log(`${file}: not a pathway (scenarios or publish lock), skipped`);
  let count = 0;
  for (const file of files) {
    const { pathway, problems } = check(file);
    for (const problem of byLine(problems)) console.log(problemLine(file, problem, problem.rule ?? "schema"));
    if (pathway) console.log(ok(file, pathway));
    count += problems.length;
  }
  summary(count, files.length);
  if (count > 0) process.exitCode = 1;
}

export function registerPathwaysCommands(program: Command): void {
  const pathways = program
    .command("pathways")
    .description("Validate, lint, hash, draw and list pathway definitions");

  pathways
    .command("validate")
    .description("Check files against the pathway schema and every lint rule (exit 1 on any problem)")
    .argument("<paths...>", "pathway files (.yaml, .yml or .json) or folders of them")
    .action((paths: string[]) =>
      checkAll(
        paths,
        (file, pathway) => `${file}: valid (${pathway.country}@${pathway.version}, ${pathway.status})`,
      ),
    );

  pathways
    .command("lint")
    .description("Check files against the schema and every lint rule (exit 1 on any problem)")
    .argument("<paths...>", "pathway files (.yaml, .yml or .json) or folders of them")
    .action((paths: string[]) => checkAll(paths, (file) => `${file}: no problems`));

  pathways
    .command("hash")
    .description("Print the content hash of each file (what the publish lock records)")
    .argument("<files...>", "pathway files")
    .action((files: string[]) => {
      for (const file of files) {
        const { pathway, problems } = parseChecked(file);
        for (const problem of problems) console.error(problemLine(file, problem));
        if (pathway) console.log(`${contentHash(pathway)}  ${file}`);
        else process.exitCode = 1;
      }
    });

  pathways
    .command("diagram")
    .description("Print the pathway as a Mermaid stateDiagram-v2")
    .argument("<file>", "pathway file")
    .option("--lang <language>", "label language (default: the pathway's first language)")
    .action(async (file: string, options: { lang?: string }) => {
      // A diagram of an invalid pathway would draw arrows to states that do not exist.
      const { pathway, problems } = check(file);
      for (const problem of byLine(problems))
        console.error(problemLine(file, problem, problem.rule ?? "schema"));
      if (!pathway) {
        process.exitCode = 1;
        return;
      }
      if (options.lang !== undefined && !pathway.languages.includes(options.lang)) {
        console.error(
          `${file}: no labels in '${options.lang}'; the pathway's languages are ${pathway.languages.join(", ")}`,
        );
        process.exitCode = 1;
        return;
      }
      // Loaded here only: checking a file must not depend on the engine loading.
      const { toMermaid } = await import("@passerelle/engine");
      console.log(toMermaid(pathway, options.lang === undefined ? {} : { language: options.lang }));
    });

  pathways
    .command("list")
    .description("List the shipped pathways with version, status, content hash and publish-lock state")
    .action(() => {
      const lock = readLock();
      const rows = shippedPathwayFiles().map(({ file, pathway }) => {
        const hash = contentHash(pathway);
        const locked = lock[lockKey(pathway)];
        // What the publish lock says: a published version must be locked, and unchanged since.
        const lockState =
          pathway.status === "draft"
            ? "-"
            : locked === undefined
              ? "not locked"
              : locked === hash
                ? "locked"
                : "CHANGED";
        return [
          pathway.country,
          String(pathway.version),
          pathway.status,
          pathway.effectiveDate,
          hash,
          lockState,
          relative(process.cwd(), file),
        ];
      });
      const header = ["COUNTRY", "VERSION", "STATUS", "EFFECTIVE", "HASH", "LOCK", "FILE"];
      const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]?.length ?? 0)));
      for (const row of [header, ...rows])
        console.log(
          row
            .map((cell, i) => cell.padEnd(widths[i] ?? 0))
            .join("  ")
            .trimEnd(),
        );
    });
}
