/**
 * A new version's scenario file must exercise its pathway at least as thoroughly as the previous
 * version's file exercises the previous version: the share of leaf states reached and the share of
 * (state, event) transitions taken may not drop.
 */
import { basename, dirname, join } from "node:path";
import type { Pathway } from "@passerelle/definitions";
import { describe, expect, it } from "vitest";
import { compile } from "./compile.ts";
import { startCase, step } from "./step.ts";
import { loadPathway, readYaml, shippedScenarioFiles } from "./testing/load.ts";
import type { ScenarioFile } from "./testing/scenario.ts";
import type { CaseContext, CaseSnapshot } from "./types.ts";

interface Coverage {
  states: number;
  transitions: number;
}

/** Replays every scenario (refused steps change nothing) and measures what was reached. */
export function coverage(pathway: Pathway, file: ScenarioFile): Coverage {
  const compiled = compile(pathway);
  const reached = new Set<string>();
  const taken = new Set<string>();
  for (const scenario of file.scenarios) {
    const ctx: CaseContext = { person: scenario.person ?? {}, consents: [...(scenario.consents ?? [])] };
    let snapshot: CaseSnapshot = startCase(pathway, ctx, new Date(scenario.start)).snapshot;
    reached.add(snapshot.state);
    for (const s of scenario.steps) {
      const result = step(pathway, snapshot, { type: s.event, data: s.data ?? {} }, ctx, new Date(s.at));
      if (!result.ok) continue;
      for (const effect of result.effects)
        if (effect.type === "recordConsent") ctx.consents.push(effect.consent);
      if (s.event !== "RECORD_CONSENT") taken.add(`${snapshot.state} ${s.event}`);
      snapshot = result.snapshot;
      reached.add(snapshot.state);
    }
  }
  const leaves = compiled.index.leaves;
  let possible = 0;
  for (const leaf of leaves)
    possible += [...(compiled.candidates.get(leaf)?.keys() ?? [])].filter(
      (e) => e !== "RECORD_CONSENT",
    ).length;
  return { states: reached.size / leaves.length, transitions: taken.size / possible };
}

const files = shippedScenarioFiles()
  .map((file) => ({ file, content: readYaml<ScenarioFile>(file) }))
  .filter(({ content }) => content.version > 1);

describe("scenario coverage does not drop from one version to the next", () => {
  for (const { file, content } of files) {
    const dir = dirname(file);
    const prevFile = join(dir, `${content.version - 1}.scenarios.yaml`);
    it(`${content.country}@${content.version} (${basename(file)}) covers at least as much as version ${content.version - 1}`, () => {
      const now = coverage(loadPathway(join(dir, `${content.version}.yaml`)), content);
      const before = coverage(
        loadPathway(join(dir, `${content.version - 1}.yaml`)),
        readYaml<ScenarioFile>(prevFile),
      );
      expect(now.states).toBeGreaterThanOrEqual(before.states);
      expect(now.transitions).toBeGreaterThanOrEqual(before.transitions);
    });
  }
});
