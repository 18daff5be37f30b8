import type { Condition } from "@passerelle/definitions";
import { describe, expect, it } from "vitest";
import { explainBranches } from "./branches.ts";
import { type ConditionScope, consentGiven, evaluate, isMinor } from "./conditions.ts";
import { pathway } from "./testing/tiny-case.ts";

const settings = { timezone: "Africa/Accra", calendar: { weekend: [6, 7], holidays: [] }, figures: {} };
const now = new Date("2026-03-10T12:00:00Z");

function scope(overrides: Partial<ConditionScope> = {}): ConditionScope {
  return {
    data: { outcome: "trafficking", count: 3, note: "x" },
    facts: { level: 2, decidedAt: "2026-02-01T12:00:00Z", day: "2026-03-01" },
    person: { birthDate: "1990-01-01", nationality: "GH" },
    consents: [],
    now,
    settings,
    ...overrides,
  };
}

describe("comparisons", () => {
  const cases: [Condition, boolean][] = [
    [{ field: "data.outcome", op: "eq", value: "trafficking" }, true],
    [{ field: "data.outcome", op: "eq", value: "smuggling" }, false],
    [{ field: "data.outcome", op: "ne", value: "smuggling" }, true],
    [{ field: "data.missing", op: "ne", value: "smuggling" }, true],
    [{ field: "data.outcome", op: "in", value: ["gbv", "trafficking"] }, true],
    [{ field: "data.outcome", op: "in", value: ["gbv"] }, false],
    [{ field: "data.outcome", op: "notIn", value: ["gbv"] }, true],
    [{ field: "data.missing", op: "notIn", value: ["gbv"] }, true],
    [{ field: "data.count", op: "gt", value: 2 }, true],
    [{ field: "data.count", op: "gt", value: 3 }, false],
    [{ field: "data.count", op: "gte", value: 3 }, true],
    [{ field: "data.count", op: "lt", value: 3 }, false],
    [{ field: "data.count", op: "lte", value: 3 }, true],
    [{ field: "data.count", op: "gt", value: "2" }, false], // mixed types never compare
    [{ field: "data.missing", op: "lt", value: 10 }, false],
    [{ field: "facts.day", op: "lt", value: "2026-03-02" }, true], // ISO dates order as strings
    [{ field: "facts.level", op: "exists" }, true],
    [{ field: "facts.nothing", op: "exists" }, false],
    [{ field: "facts.nothing", op: "notExists" }, true],
    [{ field: "person.nationality", op: "eq", value: "GH" }, true],
  ];
  it.each(cases)("%j → %s", (condition, expected) => {
    expect(evaluate(condition, scope())).toBe(expected);
  });
});

describe("isMinor", () => {
  it("is false for an established adult and true the day before the 18th birthday", () => {
    expect(isMinor({ birthDate: "2008-03-10" }, now, "Africa/Accra")).toBe(false);
    expect(isMinor({ birthDate: "2008-03-11" }, now, "Africa/Accra")).toBe(true);
  });
  it("counts the birthday in the pathway's zone", () => {
    // 17:00Z on 9 March is already 10 March in Asia/Tokyo (UTC+9), not yet in America/New_York.
    const evening = new Date("2026-03-09T17:00:00Z");
    expect(isMinor({ birthDate: "2008-03-10" }, evening, "Asia/Tokyo")).toBe(false);
    expect(isMinor({ birthDate: "2008-03-10" }, evening, "America/New_York")).toBe(true);
  });
  it("presumes a child when the age is uncertain or unknown (CETS 197 art. 10(3))", () => {
    expect(isMinor({ birthDate: "1980-01-01", ageUncertain: true }, now, "UTC")).toBe(true);
    expect(isMinor({}, now, "UTC")).toBe(true);
    expect(isMinor({ birthDate: "not a date" }, now, "UTC")).toBe(true);
  });
  it("serves both isMinor: true and isMinor: false", () => {
    expect(evaluate({ isMinor: false }, scope())).toBe(true);
    expect(evaluate({ isMinor: true }, scope())).toBe(false);
    expect(evaluate({ isMinor: true }, scope({ person: { ageUncertain: true } }))).toBe(true);
  });
});

describe("consent", () => {
  it("the latest record per scope decides", () => {
    const consents = [
      { scope: "referral" as const, given: true, at: "2026-03-01T10:00:00Z" },
      { scope: "referral" as const, given: false, at: "2026-03-02T10:00:00Z" },
      { scope: "assistance" as const, given: true, at: "2026-03-03T10:00:00Z" },
    ];
    expect(consentGiven(consents, "referral")).toBe(false);
    expect(consentGiven(consents, "assistance")).toBe(true);
    expect(consentGiven(consents, "return")).toBe(false);
    expect(
      consentGiven([...consents, { scope: "referral", given: true, at: "2026-03-04T00:00:00Z" }], "referral"),
    ).toBe(true);
  });
  it("does not depend on the order records arrive in", () => {
    const consents = [
      { scope: "referral" as const, given: false, at: "2026-03-02T10:00:00Z" },
      { scope: "referral" as const, given: true, at: "2026-03-01T10:00:00Z" },
    ];
    expect(consentGiven(consents, "referral")).toBe(false);
  });
});

describe("elapsed", () => {
  const reflection: Condition = { elapsed: { since: "facts.decidedAt", atLeast: "P30D" } };
  it("holds once the duration has passed since the fact", () => {
    expect(evaluate(reflection, scope({ now: new Date("2026-03-03T11:59:59Z") }))).toBe(false);
    expect(evaluate(reflection, scope({ now: new Date("2026-03-03T12:00:00Z") }))).toBe(true);
  });
  it("counts working days in the calendar", () => {
    const c: Condition = { elapsed: { since: "facts.decidedAt", atLeast: { workingDays: 1 } } };
    // 1 February 2026 is a Sunday: the first working day after it is Monday 2 February.
    expect(evaluate(c, scope({ now: new Date("2026-02-02T11:00:00Z") }))).toBe(false);
    expect(evaluate(c, scope({ now: new Date("2026-02-02T12:00:00Z") }))).toBe(true);
  });
  it("fails when the fact is missing", () => {
    const c: Condition = { elapsed: { since: "facts.nothing", atLeast: "P1D" } };
    expect(evaluate(c, scope())).toBe(false);
  });
});

describe("explanations", () => {
  /** The requirements of one branch guarded by `guard`, as a refusal states them. */
  const explained = (guard: Condition, dataGiven = true) =>
    explainBranches(
      pathway,
      "NO_SUCH_EVENT",
      [{ source: null, transition: { target: "closed.lostContact", guard } }],
      scope(),
      {
        dataGiven,
      },
    )[0]!;

  it("names each requirement in positive words, marking the failing ones, never quoting actual values", () => {
    const c: Condition = {
      all: [
        { consent: "referral" },
        { field: "data.outcome", op: "eq", value: "gbv" },
        { elapsed: { since: "facts.decidedAt", atLeast: "P60D" } },
        { isMinor: true },
        { field: "person.nationality", op: "ne", value: "GH" },
      ],
    };
    const branch = explained(c);
    expect(branch.unmet).toEqual([
      "consent to referral must be recorded",
      "outcome must be gbv",
      "60 days must have passed since decidedAt",
      "the person must be a child (or of uncertain age)",
      "nationality must not be GH",
    ]);
    expect(branch.text).toMatch(
      /^to go to Lost contact: consent to referral must be recorded \(it is not\), outcome must be gbv \(it is not\), /,
    );
    expect(branch.text).not.toMatch(/trafficking|1990/);
  });

  it("states any and not positively; an adult is not offered the child alternative", () => {
    expect(explained({ any: [{ consent: "return" }, { isMinor: true }] }).unmet).toEqual([
      "consent to return must be recorded",
    ]);
    expect(
      explained({ any: [{ consent: "return" }, { field: "facts.level", op: "gt", value: 5 }] }).unmet,
    ).toEqual(["either consent to return must be recorded or level must be more than 5"]);
    expect(explained({ not: { elapsed: { since: "facts.decidedAt", atLeast: "P1M" } } }).unmet).toEqual([
      "less than 1 month must have passed since decidedAt",
    ]);
    expect(explained({ isMinor: false })).toMatchObject({ open: true, unmet: [] });
  });

  it("before the event is sent, what data could still satisfy is needed, not failing", () => {
    const branch = explained(
      { all: [{ consent: "referral" }, { field: "data.outcome", op: "eq", value: "gbv" }] },
      false,
    );
    expect(branch).toMatchObject({
      open: false,
      unmet: ["consent to referral must be recorded"],
      needs: ["consent to referral must be recorded", "outcome must be gbv"],
    });
    expect(explained({ field: "data.outcome", op: "eq", value: "gbv" }, false)).toMatchObject({
      open: true,
      unmet: [],
    });
  });
});
