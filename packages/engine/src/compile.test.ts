import { describe, expect, it } from "vitest";
import { compile } from "./compile.ts";
import { tiny } from "./testing/load.ts";

const pathway = tiny();

describe("compile", () => {
  it("compiles once per pathway and names every guard and action in one setup", () => {
    const compiled = compile(pathway);
    expect(compile(pathway)).toBe(compiled);
    expect(Object.keys(compiled.machine.implementations.guards).sort()).toEqual([
      "comparison",
      "consentGiven",
      "elapsed",
      "isMinor",
    ]);
    expect(Object.keys(compiled.machine.implementations.actions).sort()).toEqual([
      "cancelTasks",
      "notifyResponsible",
      "recordConsent",
      "recordFacts",
      "scheduleTasks",
      "stampFacts",
    ]);
    expect(compiled.machine.getStateNodeById("screening.reflection").key).toBe("reflection");
  });

  it("shares one machine between equal definitions loaded as different objects", () => {
    const compiled = compile(pathway);
    expect(compile(structuredClone(pathway))).toBe(compiled);
    const changed = structuredClone(pathway);
    changed.calendar.holidays.push("2026-05-04");
    expect(compile(changed)).not.toBe(compiled);
    expect(compile(changed).key).toMatch(/^ZZ@1#sha256:[0-9a-f]{64}$/);
  });
});

describe("the generated machine", () => {
  const scope = {
    data: {},
    facts: {},
    person: { birthDate: "1990-01-01" },
    consents: [],
    now: new Date("2026-03-03T09:00:00Z"),
    settings: pathway,
  };

  it("takes anywhere transitions from any open state, but never out of closed", () => {
    const compiled = compile(pathway);
    const [fromOpen] = compiled.transition(compiled.snapshotOf("screening.reflection"), {
      type: "LOST_CONTACT",
      data: {},
      scope,
    });
    expect(fromOpen.value).toEqual({ closed: "lostContact" });
    const closed = compiled.snapshotOf("closed.deceased");
    for (const type of ["LOST_CONTACT", "RECORD_CONSENT"]) {
      const [next, actions] = compiled.transition(closed, { type, data: {}, scope });
      expect(next.value).toEqual({ closed: "deceased" });
      expect(actions).toEqual([]);
    }
  });

  it("names actions with params and lists them exit, transition, entry", () => {
    const compiled = compile(pathway);
    const [, actions] = compiled.transition(compiled.snapshotOf("identification.intake"), {
      type: "SCREENING_COMPLETED",
      data: { outcome: "smuggling" },
      scope,
    });
    expect(actions.map((a) => [a.type, a.params])).toEqual([
      ["cancelTasks", { state: "identification.intake" }],
      ["cancelTasks", { state: "identification" }],
      ["recordFacts", { fields: ["outcome"] }],
      ["scheduleTasks", { state: "closed" }],
      ["scheduleTasks", { state: "closed.referredOut" }],
    ]);
  });
});
