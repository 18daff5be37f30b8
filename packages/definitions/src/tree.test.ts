import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { loadPathwayFile } from "./parse.ts";
import type { Pathway } from "./pathway.ts";
import { formatPath } from "./problem.ts";
import {
  initialLeaf,
  reachableLeaves,
  resolveTarget,
  selfAndAncestors,
  transitionsFrom,
  walkConditions,
  walkStates,
  walkTasks,
} from "./tree.ts";

function load(name: string): Pathway {
  const result = loadPathwayFile(fileURLToPath(new URL(`../fixtures/${name}`, import.meta.url)));
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.pathway;
}

const minimal = load("valid/minimal.yaml");

describe("state tree helpers", () => {
  it("walks states parents first, with dotted paths and definition paths", () => {
    expect(walkStates(minimal).map((s) => [s.path, formatPath(s.at)])).toEqual([
      ["identification", "states.identification"],
      ["assistance", "states.assistance"],
      ["assistance.support", "states.assistance.states.support"],
      ["closed", "states.closed"],
      ["closed.reintegrated", "states.closed.states.reintegrated"],
      ["closed.referredOut", "states.closed.states.referredOut"],
    ]);
  });

  it("resolves a compound target to its initial leaf; an unknown one to nothing", () => {
    expect(resolveTarget(minimal, "assistance")).toBe("assistance.support");
    expect(resolveTarget(minimal, "closed.referredOut")).toBe("closed.referredOut");
    expect(resolveTarget(minimal, "screening.interview")).toBeUndefined();
    expect(initialLeaf(minimal)).toBe("identification");
    expect(selfAndAncestors("a.b.c")).toEqual(["a.b.c", "a.b", "a"]);
  });

  it("lists the transitions a leaf sees: its own, its ancestors', then anywhere (not under closed)", () => {
    const withAnywhere: Pathway = {
      ...minimal,
      anywhere: { ASSISTED: { target: "closed.referredOut" } },
      states: {
        ...minimal.states,
        assistance: { ...minimal.states.assistance!, on: { SCREENED: { target: "closed.referredOut" } } },
      },
    };
    expect(
      transitionsFrom(withAnywhere, "assistance.support").map((t) => [
        t.event,
        t.source ?? "anywhere",
        formatPath(t.at),
      ]),
    ).toEqual([
      ["ASSISTED", "assistance.support", "states.assistance.states.support.on.ASSISTED"],
      ["SCREENED", "assistance", "states.assistance.on.SCREENED"],
      ["ASSISTED", "anywhere", "anywhere.ASSISTED"],
    ]);
    expect(transitionsFrom(withAnywhere, "closed.reintegrated")).toEqual([]);
  });

  it("finds the reachable leaves whatever the guards", () => {
    expect([...reachableLeaves(minimal)].sort()).toEqual([
      "assistance.support",
      "closed.referredOut",
      "closed.reintegrated",
      "identification",
    ]);
    expect(reachableLeaves(load("broken/unreachable-state.yaml")).has("assistance.followUp")).toBe(false);
  });

  it("walks tasks and nested conditions with their paths", () => {
    expect(walkTasks(minimal).map((t) => [t.task.id, t.state, formatPath(t.at)])).toEqual([
      ["screen", "identification", "states.identification.tasks[0]"],
    ]);
    const nested = walkConditions({ all: [{ isMinor: true }, { not: { consent: "referral" } }] }, [
      "guard",
    ]).map((c) => formatPath(c.at));
    expect(nested).toEqual(["guard", "guard.all[0]", "guard.all[1]", "guard.all[1].not"]);
  });
});
