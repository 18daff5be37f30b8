import { describe, expect, it } from "vitest";
import { compile } from "./compile.ts";
import { toMermaid } from "./diagram.ts";
import { shippedPathways, tiny } from "./testing/load.ts";

describe("toMermaid", () => {
  const pathway = tiny();
  const text = toMermaid(pathway);
  const lines = text.split("\n");

  it("is a stateDiagram-v2 with every state, nested, and initial arrows", () => {
    expect(lines[0]).toBe("stateDiagram-v2");
    for (const path of compile(pathway).index.byPath.keys()) {
      expect(text).toContain(` as ${path.replaceAll(".", "__")}`);
    }
    expect(lines).toContain("  [*] --> identification");
    expect(lines).toContain("  state screening {");
    expect(lines).toContain("    [*] --> screening__reasonableGrounds");
    expect(lines).toContain('    state "Best-interests assessment" as screening__childAssessment');
  });

  it("labels transitions with events and guard hints, and ends finals at [*]", () => {
    expect(lines).toContain(
      "  screening__reasonableGrounds --> screening__reflection : RG_DECISION [data.decision must be 'positive']",
    );
    expect(lines).toContain("  shelter__stay --> assistance__plan : SHELTER_LEFT");
    expect(lines).toContain("  screening --> screening : RISK_ASSESSED");
    expect(lines).toContain("  closed__deceased --> [*]");
    expect(lines.filter((l) => l.endsWith("--> [*]"))).toHaveLength(6);
    // anywhere: from each stage but closed
    expect(lines.filter((l) => l.endsWith(": LOST_CONTACT"))).toHaveLength(6);
    expect(text).not.toContain("closed --> closed__lostContact");
  });

  it("uses the requested language", () => {
    const french = toMermaid(pathway, { language: "fr" });
    expect(french).toContain('state "Motifs raisonnables" as screening__reasonableGrounds');
    expect(french).not.toContain('"Reasonable grounds"');
  });

  it.each(
    shippedPathways().map(({ pathway }) => [`${pathway.country}@${pathway.version}`, pathway] as const),
  )("draws %s", (_name, shipped) => {
    const diagram = toMermaid(shipped);
    expect(diagram.startsWith("stateDiagram-v2\n")).toBe(true);
    expect(diagram).toContain("--> [*]");
    for (const stage of compile(shipped).index.stages) expect(diagram).toContain(` as ${stage}\n`);
  });
});
