/**
 * The results section of docs/performance.md: one block per part of the benchmark (SQLite events,
 * PostgreSQL events, reads on each store), each between `<!-- bench:<part> -->` markers and saying
 * when it was measured, and one goals table whose rows each part owns by their first cell. A full
 * run writes the whole section; a run of one part (`BENCH_ONLY`) replaces its block and its goal
 * rows and leaves the rest as the earlier run measured it.
 */
import { loadavg } from "node:os";
import type { Figures } from "./lib.ts";
import type { ReadFigures } from "./reads.ts";

export type Part = "events" | "pg-events" | "reads" | "pg-reads";
/** Goal, measured value, met. */
export type Goal = readonly [string, string, boolean];
export interface Block {
  part: Part;
  text: string;
  goals: Goal[];
}

export const TABLE_HEADER =
  "| run | req/s | p50 ms | p90 ms | p99 ms | max ms | requests | non-2xx |\n|---|---|---|---|---|---|---|---|";
export const row = (name: string, f: Figures) =>
  `| ${name} | ${f.rps} | ${f.p50} | ${f.p90} | ${f.p99} | ${f.max} | ${f.requests} | ${f.non2xx} |`;
export const goalRow = ([goal, value, ok]: Goal) => `| ${goal} | ${value} | ${ok ? "met" : "NOT met"} |`;
const GOALS_HEADER = "### Goals\n\n| goal | measured | |\n|---|---|---|";

/** When a part ran, and how busy the machine was: the figures of a shared VM need both. */
export const measuredLine = (started: { at: Date; load: number }, stolen: number | null) =>
  `Measured ${started.at.toISOString().slice(0, 16).replace("T", " ")} UTC; load average ${started.load.toFixed(2)} at the start; CPU time stolen by the hypervisor meanwhile ${stolen ?? "n/a"} %.`;
export const startMark = () => ({ at: new Date(), load: loadavg()[0] ?? 0 });

const wrap = (block: Block) => `<!-- bench:${block.part} -->\n${block.text}\n<!-- /bench:${block.part} -->`;

/** The whole results section of a full run. */
export function writeResults(doc: string, header: string, blocks: Block[]): string {
  const section = [
    header,
    "",
    ...blocks.flatMap((b) => [wrap(b), ""]),
    GOALS_HEADER,
    ...blocks.flatMap((b) => b.goals.map(goalRow)),
  ].join("\n");
  const marker = /<!-- results:start -->[\s\S]*<!-- results:end -->/;
  if (!marker.test(doc)) throw new Error("docs/performance.md has no results markers");
  return doc.replace(marker, () => `<!-- results:start -->\n${section}\n<!-- results:end -->`);
}

const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** One part's block and goal rows, in place; a part not yet in the section goes before the goals. */
export function writeBlock(doc: string, block: Block): string {
  const marker = /<!-- results:start -->[\s\S]*<!-- results:end -->/;
  const found = marker.exec(doc);
  if (!found) throw new Error("docs/performance.md has no results markers");
  const existing = new RegExp(`<!-- bench:${block.part} -->[\\s\\S]*?<!-- /bench:${block.part} -->`);
  let section = existing.test(found[0])
    ? found[0].replace(existing, () => wrap(block))
    : found[0].replace("### Goals\n", () => `${wrap(block)}\n\n### Goals\n`);
  for (const goal of block.goals) {
    const line = new RegExp(`^\\| ${literal(goal[0])} \\|.*$`, "m");
    section = line.test(section)
      ? section.replace(line, () => goalRow(goal))
      : section.replace("\n<!-- results:end -->", () => `\n${goalRow(goal)}\n<!-- results:end -->`);
  }
  return doc.replace(marker, () => section);
}

/** The rows of a reads table: lists and case reads at the steady rate, the server's own time, saturation, floors. */
export function readRows(reads: ReadFigures, rate: number): string[] {
  return [
    row(`filtered case lists (GET /v1/cases?…), at ${rate} req/s`, reads.list),
    row(
      `filtered case lists (GET /v1/cases?…), at ${rate} req/s: the server's own time (access log)`,
      reads.listServer,
    ),
    row("filtered case lists (GET /v1/cases?…), saturation (10 connections)", reads.listMax),
    row(`case read (GET /v1/cases/{id}), at ${rate} req/s`, reads.read),
    row(
      `case read (GET /v1/cases/{id}), at ${rate} req/s: the server's own time (access log)`,
      reads.readServer,
    ),
    row("case read (GET /v1/cases/{id}), saturation (10 connections)", reads.readMax),
    row(`bare Fastify route answering a case read's body, at ${rate} req/s (the floor)`, reads.floor),
    row(`bare Fastify route answering a list page's body, at ${rate} req/s (the floor)`, reads.listFloor),
  ];
}

export function readGoals(store: string, reads: ReadFigures, rate: number): Goal[] {
  return [
    [
      `${store}: list p99 ≤ 10 ms (1M cases, ${rate} req/s)`,
      `${reads.list.p99} ms (server's own ${reads.listServer.p99} ms; bare-route floor with a list page's body ${reads.listFloor.p99} ms; disk stalls ${reads.listDiskStall ?? "n/a"} % of the run)`,
      reads.list.p99 <= 10,
    ],
    [
      `${store}: case read p99 ≤ 10 ms (1M cases, ${rate} req/s)`,
      `${reads.read.p99} ms (server's own ${reads.readServer.p99} ms; bare-route floor ${reads.floor.p99} ms; disk stalls ${reads.readDiskStall ?? "n/a"} % of the run)`,
      reads.read.p99 <= 10,
    ],
  ];
}
