import { contentHash, shippedCalendars } from "@passerelle/definitions";
import { describe, expect, it } from "vitest";
import { withCalendars } from "./calendars.ts";
import { startCase, step } from "./step.ts";
import { shippedPathways } from "./testing/load.ts";
import type { CaseContext, StepResult } from "./types.ts";

const gh2 = shippedPathways().find((s) => s.pathway.country === "GH" && s.pathway.version === 2)!.pathway;
const calendars = shippedCalendars();

function rgDue(pathway: typeof gh2, at: string): string | undefined {
  const ctx: CaseContext = {
    person: { birthDate: "1990-01-01" },
    consents: [{ scope: "referral", given: true, at: "2026-01-01T00:00:00Z" }],
  };
  const started = startCase(pathway, ctx, new Date(at));
  const result: StepResult = step(
    pathway,
    started.snapshot,
    { type: "SCREENING_COMPLETED", data: { outcome: "trafficking" } },
    ctx,
    new Date(at),
  );
  if (!result.ok) throw new Error(JSON.stringify(result.refusal));
  return result.effects.flatMap((e) =>
    e.type === "scheduleTask" && e.task.taskId === "rg-decision" ? [e.task.due] : [],
  )[0];
}

describe("working days with the country's calendars", () => {
  it("skip Good Friday and Easter Monday, which no pathway version lists", () => {
    // 5 working days from Thursday 2 April 2026, 09:00 Accra (UTC+0).
    // Pathway calendar only: Fri 3, Mon 6, Tue 7, Wed 8, Thu 9.
    expect(rgDue(gh2, "2026-04-02T09:00:00Z")).toBe("2026-04-09T09:00:00.000Z");
    // With GH/2026: Fri 3 (Good Friday) and Mon 6 (Easter Monday) skipped: Tue 7, Wed 8, Thu 9, Fri 10, Mon 13.
    expect(rgDue(withCalendars(gh2, calendars), "2026-04-02T09:00:00Z")).toBe("2026-04-13T09:00:00.000Z");
  });

  it("count a provisional (moon-sighting) holiday: Eid al-Fitr expected Friday 20 March 2026", () => {
    // Thursday 19 March: Fri 20 (Eid, provisional) skipped: Mon 23, Tue 24, Wed 25, Thu 26, Fri 27.
    expect(rgDue(withCalendars(gh2, calendars), "2026-03-19T09:00:00Z")).toBe("2026-03-27T09:00:00.000Z");
  });

  it("leave the definition and its hash alone, and give the same object for the same calendars", () => {
    const hash = contentHash(gh2);
    const timed = withCalendars(gh2, calendars);
    expect(contentHash(gh2)).toBe(hash);
    expect(timed).not.toBe(gh2);
    expect(withCalendars(gh2, calendars)).toBe(timed);
    expect(timed.calendar.holidays).toContain("2026-04-06");
    expect(gh2.calendar.holidays).not.toContain("2026-04-06");
  });

  it("use only the pathway's own country's calendars", () => {
    const intl = shippedPathways().find((s) => s.pathway.country === "INTL")!.pathway;
    expect(withCalendars(intl, calendars)).toBe(intl);
  });
});
