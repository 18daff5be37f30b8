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
