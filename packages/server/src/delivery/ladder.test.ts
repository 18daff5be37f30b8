import { describe, expect, it } from "vitest";
import { initialDelivery, jobIdOf, reassignLadder, rungAfter, snoozeLadder } from "./ladder.ts";

const ladder = [
  { step: 0, at: "2026-03-06T09:00:00.000Z", notify: { role: "caseworker" as const, agency: "dsw" } },
  { step: 1, at: "2026-03-10T09:00:00.000Z", notify: { role: "supervisor" as const, agency: "dsw" } },
  { step: 2, at: "2026-03-13T09:00:00.000Z", notify: { role: "committee" as const, agency: "hts" } },
];

describe("ladder", () => {
  it("starts at rung 0 in the outbox and walks the rungs in order", () => {
    expect(initialDelivery(ladder)).toEqual({ nextStep: 0, nextAt: ladder[0]!.at });
    expect(rungAfter(ladder, 0)).toEqual({ nextStep: 1, nextAt: ladder[1]!.at });
    expect(rungAfter(ladder, 2)).toEqual({ nextStep: null, nextAt: null });
  });

  it("a snooze moves earlier rungs to the snooze and keeps later ones", () => {
    const snoozed = snoozeLadder(ladder, "2026-03-11T09:00:00.000Z");
    expect(snoozed.map((r) => r.at)).toEqual([
      "2026-03-11T09:00:00.000Z",
      "2026-03-11T09:00:00.000Z",
      "2026-03-13T09:00:00.000Z",
    ]);
  });

  it("a reassignment redirects only the rungs of the previous assignee", () => {
    const moved = reassignLadder(
      ladder,
      { role: "caseworker", agency: "dsw" },
      { role: "caseworker", agency: "shelter" },
    );
    expect(moved.map((r) => r.notify.agency)).toEqual(["shelter", "dsw", "hts"]);
  });

  it("job ids are stable for a rung and change when the rung is rescheduled", () => {
    expect(jobIdOf("task_1", 0, ladder[0]!.at)).toBe(jobIdOf("task_1", 0, ladder[0]!.at));
    expect(jobIdOf("task_1", 0, ladder[0]!.at)).not.toBe(jobIdOf("task_1", 0, ladder[1]!.at));
    expect(jobIdOf("task_1", 0, ladder[0]!.at)).not.toContain(":");
  });
});
