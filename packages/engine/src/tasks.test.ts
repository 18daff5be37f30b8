import type { Pathway } from "@passerelle/definitions";
import { describe, expect, it } from "vitest";
import { scheduleTasks } from "./tasks.ts";

const pathway = {
  timezone: "Africa/Accra",
  calendar: { weekend: [6, 7], holidays: ["2026-03-06"] },
  figures: { reflection: { value: "P30D", basis: "law", source: "x" } },
} as unknown as Pathway;

describe("task schedules", () => {
  const base = {
    kind: "followUp" as const,
    label: { en: "Visit" },
    assignee: { role: "caseworker" as const },
    escalation: [
      { after: "PT0S", notify: { role: "caseworker" as const } },
      { after: { workingDays: 2 }, notify: { role: "supervisor" as const } },
    ],
  };
  it("repeats: occurrence k is due at first due + (k-1)·every, each with its ladder", () => {
    const tasks = scheduleTasks(
      pathway,
      "reintegration.monitoring",
      [{ ...base, id: "visit", due: "P1M", repeat: { every: "P3M", count: 3 } }],
      new Date("2026-01-31T09:00:00Z"),
      {},
    );
    expect(tasks.map((t) => [t.key, t.due, t.occurrence])).toEqual([
      ["reintegration.monitoring/visit#1", "2026-02-28T09:00:00.000Z", 1],
      ["reintegration.monitoring/visit#2", "2026-05-28T09:00:00.000Z", 2],
      ["reintegration.monitoring/visit#3", "2026-08-28T09:00:00.000Z", 3],
    ]);
    // 28 August 2026 is a Friday: two working days later is Tuesday 1 September.
    expect(tasks[2]!.escalation).toEqual([
      { step: 0, at: "2026-08-28T09:00:00.000Z", notify: { role: "caseworker" } },
      { step: 1, at: "2026-09-01T09:00:00.000Z", notify: { role: "supervisor" } },
    ]);
  });
  it("counts from the anchor fact, or from entry when the fact is missing", () => {
    const spec = { ...base, id: "end", due: { figure: "reflection" }, anchor: "facts.decidedAt" };
    const entered = new Date("2026-03-20T09:00:00Z");
    expect(scheduleTasks(pathway, "s", [spec], entered, { decidedAt: "2026-03-09T10:00:00Z" })[0]!.due).toBe(
      "2026-04-08T10:00:00.000Z",
    );
    expect(scheduleTasks(pathway, "s", [spec], entered, {})[0]!.due).toBe("2026-04-19T09:00:00.000Z");
  });
});
