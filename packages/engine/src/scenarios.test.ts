import { basename, dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { FIXTURES_DIR, loadPathway, readYaml, shippedScenarioFiles } from "./testing/load.ts";
import { runScenario, type ScenarioFile } from "./testing/scenario.ts";

const shipped = shippedScenarioFiles();
const files = [...shipped, join(FIXTURES_DIR, "tiny", "1.scenarios.yaml")];

describe("scenario files", () => {
  it("finds at least one shipped scenario file", () => {
    expect(shipped.length).toBeGreaterThanOrEqual(1);
  });
});

for (const file of files) {
  const content = readYaml<ScenarioFile>(file);
  const pathway = loadPathway(join(dirname(file), `${basename(file).split(".")[0]}.yaml`));
  describe(file.slice(FIXTURES_DIR.length - "fixtures/".length), () => {
    it("is for the pathway beside it", () => {
      expect([content.country, content.version]).toEqual([pathway.country, pathway.version]);
    });
    for (const scenario of content.scenarios) {
      it(`${content.country}@${content.version}: ${scenario.name}`, () => {
        expect(runScenario(pathway, scenario)).toEqual([]);
      });
    }
  });
}
