/**
 * A new pathway version that closes protection gaps proves each fix with a scenario named
 * `gap N: …`. Such a scenario must pass on the new version (scenarios.test.ts) and FAIL on the
 * version before it: otherwise it does not show that anything was closed.
 */
import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadPathway, readYaml, shippedScenarioFiles } from "./testing/load.ts";
import { runScenario, type ScenarioFile } from "./testing/scenario.ts";

const GAP = /^gap (\d+):/;

const files = shippedScenarioFiles()
  .map((file) => ({ file, content: readYaml<ScenarioFile>(file) }))
  .filter(({ content }) => content.version > 1);

describe("gap scenarios", () => {
  it("finds the version 2 scenario files of all seven shipped pathways", () => {
    expect(
      files
        .filter(({ content }) => content.version === 2)
        .map(({ content }) => content.country)
        .sort(),
    ).toEqual(["GH", "GN", "INTL", "ML", "NG", "SN", "VN"]);
  });

  it("version 2 has a scenario for each of the ten protection gaps of the review", () => {
    const covered = new Set(
      files
        .filter(({ content }) => content.version === 2)
        .flatMap(({ content }) => content.scenarios.map((s) => GAP.exec(s.name)?.[1]))
        .filter((n) => n !== undefined)
        .map(Number),
    );
    expect([...covered].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  for (const { file, content } of files) {
    const previous = loadPathway(join(dirname(file), `${content.version - 1}.yaml`));
    describe(`${content.country}@${content.version - 1} (${basename(file)})`, () => {
      for (const scenario of content.scenarios.filter((s) => GAP.test(s.name))) {
        it(`fails on the previous version: ${scenario.name}`, () => {
          expect(runScenario(previous, scenario)).not.toEqual([]);
        });
      }
    });
  }
});
