/**
 * `passerelle pathways …`: the checks a committee runs on a draft before publishing it, and a look
 * at what ships. Every problem prints as `file[:line:column]: path: message [rule]`, one per line,
 * so that editors and CI logs link to the place; any problem makes the exit code 1.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
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

/** Reads and validates one file; a file that cannot be read is a problem like any other. */
function check(file: string): Checked {
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

export function registerPathwaysCommands(program: Command): void {
  const pathways = program
    .command("pathways")
    .description("Validate, lint, hash, draw and list pathway definitions");

  pathways
    .command("validate")
    .description("Check files against the pathway schema (exit 1 on any problem)")
    .argument("<files...>", "pathway files (.yaml, .yml or .json)")
    .action((files: string[]) => {
      let count = 0;
      for (const file of files) {
        const { pathway, problems } = check(file);
        for (const problem of byLine(problems)) console.log(problemLine(file, problem));
        if (pathway) console.log(`${file}: valid (${pathway.country}@${pathway.version}, ${pathway.status})`);
        count += problems.length;
      }
      summary(count, files.length);
      if (count > 0) process.exitCode = 1;
    });

  pathways
    .command("lint")
    .description("Check files against the schema and every lint rule (exit 1 on any problem)")
    .argument("<files...>", "pathway files (.yaml, .yml or .json)")
    .action((files: string[]) => {
      let count = 0;
      for (const file of files) {
        const { pathway, problems, locate } = check(file);
        for (const problem of byLine(problems))
          console.log(problemLine(file, problem, problem.rule ?? "schema"));
        const lint = pathway ? lintPathway(pathway) : [];
        for (const problem of byLine(lint.map((p) => ({ ...p, ...locate(p.path) })))) {
          console.log(problemLine(file, problem, problem.rule));
        }
        if (pathway && lint.length === 0) console.log(`${file}: no problems`);
        count += problems.length + lint.length;
      }
      summary(count, files.length);
      if (count > 0) process.exitCode = 1;
    });

  pathways
    .command("hash")
    .description("Print the content hash of each file (what the publish lock records)")
    .argument("<files...>", "pathway files")
    .action((files: string[]) => {
      for (const file of files) {
        const { pathway, problems } = check(file);
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
      const { pathway, problems } = check(file);
      for (const problem of problems) console.error(problemLine(file, problem));
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
