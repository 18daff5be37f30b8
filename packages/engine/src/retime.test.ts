import { shippedCalendars } from "@passerelle/definitions";
import { describe, expect, it } from "vitest";
import { withCalendars } from "./calendars.ts";
import { retimeOpenTasks } from "./retime.ts";
import { startCase, step } from "./step.ts";
import { shippedPathways } from "./testing/load.ts";
import type { CaseContext, StepSuccess } from "./types.ts";

const gh2 = shippedPathways().find((s) => s.pathway.country === "GH" && s.pathway.version === 2)!.pathway;
const ctx: CaseContext = {
  person: { birthDate: "1990-01-01" },
  consents: [{ scope: "referral", given: true, at: "2026-01-01T00:00:00Z" }],
};

function screened(at: string): StepSuccess {
  const started = startCase(gh2, ctx, new Date(at));
  const result = step(
    gh2,
    started.snapshot,
    { type: "SCREENING_COMPLETED", data: { outcome: "trafficking" } },
    ctx,
    new Date(at),
  );
  if (!result.ok) throw new Error(JSON.stringify(result.refusal));
  return result;
}

describe("retimeOpenTasks", () => {
  it("moves a task whose working-day deadline now crosses a holiday, with its ladder, from the same anchor", () => {
    // Scheduled without the Easter holidays: due Thursday 9 April.
    const result = screened("2026-04-02T09:00:00Z");
    const rg = result.effects.flatMap((e) => (e.type === "scheduleTask" ? [e.task] : []))[0]!;
    expect(rg.due).toBe("2026-04-09T09:00:00.000Z");
    const moved = retimeOpenTasks(withCalendars(gh2, shippedCalendars()), result.snapshot, [
      { key: rg.key, state: rg.state, due: rg.due },
    ]);
    expect(moved).toHaveLength(1);
    expect(moved[0]).toMatchObject({ key: rg.key, from: "2026-04-09T09:00:00.000Z" });
    expect(moved[0]!.task.due).toBe("2026-04-13T09:00:00.000Z");
    // Escalation 2 working days after the due time: Wed 15 April.
    expect(moved[0]!.task.escalation[1]!.at).toBe("2026-04-15T09:00:00.000Z");
  });

  it("leaves alone a task the holidays do not move, and one whose state the case has left", () => {
    const result = screened("2026-06-01T09:00:00Z");
    const rg = result.effects.flatMap((e) => (e.type === "scheduleTask" ? [e.task] : []))[0]!;
    const timed = withCalendars(gh2, shippedCalendars());
    expect(retimeOpenTasks(timed, result.snapshot, [{ key: rg.key, state: rg.state, due: rg.due }])).toEqual(
      [],
    );
    expect(
      retimeOpenTasks(timed, result.snapshot, [
        { key: "shelter.admission/shelter-placement#1", state: "shelter.admission", due: rg.due },
      ]),
    ).toEqual([]);
  });
});
