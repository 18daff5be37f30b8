import { describe, expect, it } from "vitest";
import { shippedPathways } from "../shipped.ts";
import { UNASSIGNED_AGENCY_SINCE_FORMAT, unassignedAgency } from "./rules/unassigned-agency.ts";

describe("unassigned-agency", () => {
  const gh1 = shippedPathways().find((p) => p.country === "GH" && p.version === 1)!;

  it("applies from format 2: a format-1 file (published before the rule, immutable) is not asked to change", () => {
    expect(gh1.schemaVersion).toBe(1);
    expect(unassignedAgency.check(gh1)).toEqual([]);
  });

  it("would report GH@1's idle agencies at their exact paths were it written in format 2", () => {
    const problems = unassignedAgency.check({ ...gh1, schemaVersion: UNASSIGNED_AGENCY_SINCE_FORMAT });
    const ids = gh1.agencies.map((a) => a.id);
    expect(problems.map((p) => p.path)).toEqual(
      ["mogcsp", "htmb", "gis", "cms-ug"].map((id) => `agencies[${ids.indexOf(id)}]`),
    );
    expect(problems[0]?.message).toBe(
      "agency 'mogcsp' is responsible for no state and assigned no task: give it work or remove it",
    );
  });

  it("counts a state's responsible agency, a task's assignee and an escalation's notified agency as work", () => {
    const gh2 = shippedPathways().find((p) => p.country === "GH" && p.version === 2)!;
    expect(gh2.schemaVersion).toBe(2);
    expect(unassignedAgency.check(gh2)).toEqual([]);
    // hts is only ever notified by escalations: remove the escalations and it is idle.
    const noEscalation = structuredClone(gh2);
    const strip = (node: { tasks?: { escalation: unknown[] }[]; states?: Record<string, unknown> }) => {
      for (const task of node.tasks ?? []) task.escalation = [];
      for (const child of Object.values(node.states ?? {})) strip(child as typeof node);
    };
    for (const stage of Object.values(noEscalation.states)) if (stage) strip(stage as never);
    expect(unassignedAgency.check(noEscalation).map((p) => p.message)).toEqual([
      expect.stringContaining("'hts'"),
    ]);
  });
});
