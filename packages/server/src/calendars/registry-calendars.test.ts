/**
 * The registry steps cases with the country's calendars and serves the definition as published:
 * the holidays change deadlines, never the definition or its hash.
 */
import { contentHash, shippedPathways } from "@passerelle/definitions";
import { startCase, step } from "@passerelle/engine";
import { describe, expect, it } from "vitest";
import { PathwayRegistry } from "../pathways/pathway-registry.ts";

const gh2 = shippedPathways().find((p) => p.country === "GH" && p.version === 2)!;
const registry = PathwayRegistry.fromRecords([
  {
    country: "GH",
    version: 2,
    status: "published",
    hash: contentHash(gh2),
    definition: gh2,
    publishedAt: null,
  },
]);
const registered = registry.get("GH", 2)!;

describe("pathway registry and calendars", () => {
  it("serves the definition as published, and steps with Good Friday and Easter Monday 2026 added", () => {
    expect(contentHash(registered.definition)).toBe(registered.hash);
    expect(registered.definition.calendar.holidays).not.toContain("2026-04-06");
    expect(registered.pathway.calendar.holidays).toEqual(
      expect.arrayContaining(["2026-04-03", "2026-04-06"]),
    );
    expect(registered.pathway).toBe(registered.pathway);
  });

  it("a reasonable-grounds deadline from Thursday 2 April 2026 skips Easter: due Monday 13 April", () => {
    const ctx = {
      person: { birthDate: "1990-01-01" },
      consents: [{ scope: "referral" as const, given: true, at: "2026-01-01T00:00:00Z" }],
    };
    const at = new Date("2026-04-02T09:00:00Z");
    const started = startCase(registered.pathway, ctx, at);
    const result = step(
      registered.pathway,
      started.snapshot,
      { type: "SCREENING_COMPLETED", data: { outcome: "trafficking" } },
      ctx,
      at,
    );
    if (!result.ok) throw new Error(JSON.stringify(result.refusal));
    const due = result.effects.flatMap((e) => (e.type === "scheduleTask" ? [e.task.due] : []));
    expect(due).toEqual(["2026-04-13T09:00:00.000Z"]);
  });
});
