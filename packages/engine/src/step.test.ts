import { describe, expect, it } from "vitest";
import { startCase, step } from "./step.ts";
import { adult, intake, ok, pathway, reasonableGrounds, t0, t1, withReferral } from "./testing/tiny-case.ts";
import type { CaseContext, CaseSnapshot } from "./types.ts";

describe("startCase", () => {
  it("enters the initial leaf with its ancestors' entry times, tasks and notifications", () => {
    const started = startCase(pathway, adult, t0);
    expect(started.from).toBeNull();
    expect(started.to).toBe("identification.intake");
    expect(started.stage).toBe("identification");
    expect(started.snapshot).toEqual({
      state: "identification.intake",
      facts: {},
      enteredAt: { identification: t0.toISOString(), "identification.intake": t0.toISOString() },
    });
    expect(started.effects.map((e) => e.type)).toEqual(["scheduleTask", "notify"]);
    expect(started.effects[1]).toEqual({
      type: "notify",
      to: { role: "caseworker", agency: "police" },
      reason: "stateEntered",
      state: "identification.intake",
      label: expect.objectContaining({ en: expect.any(String) }),
    });
  });
});

describe("refusals change nothing", () => {
  const cases: [
    string,
    () => CaseSnapshot,
    string,
    Record<string, unknown> | undefined,
    CaseContext,
    string,
  ][] = [
    ["eventUnknown", intake, "NOPE", undefined, adult, "eventUnknown"],
    ["eventNotAllowed", intake, "RG_DECISION", { decision: "positive" }, adult, "eventNotAllowed"],
    ["invalidData", intake, "SCREENING_COMPLETED", { outcome: 3, other: true }, adult, "invalidData"],
    ["guardFailed", intake, "SCREENING_COMPLETED", { outcome: "trafficking" }, adult, "guardFailed"],
    [
      "caseClosed",
      () => ({ state: "closed.deceased", facts: { a: 1 }, enteredAt: {} }),
      "LOST_CONTACT",
      undefined,
      adult,
      "caseClosed",
    ],
  ];
  it.each(cases)("%s", (_name, make, type, data, ctx, kind) => {
    const snapshot = make();
    const copy = structuredClone(snapshot);
    const ctxCopy = structuredClone(ctx);
    const result = step(pathway, snapshot, { type, data: data as never }, ctx, t1);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.refusal.kind).toBe(kind);
    expect(snapshot).toEqual(copy);
    expect(ctx).toEqual(ctxCopy);
  });

  it("eventNotAllowed lists what is allowed", () => {
    const result = step(
      pathway,
      intake(),
      { type: "RG_DECISION", data: { decision: "positive" } },
      adult,
      t1,
    );
    expect(result).toEqual({
      ok: false,
      refusal: {
        kind: "eventNotAllowed",
        event: "RG_DECISION",
        state: "identification.intake",
        allowed: [
          "SCREENING_COMPLETED",
          "LOST_CONTACT",
          "DECEASED",
          "TRANSFERRED",
          "DECLINED",
          "RECORD_CONSENT",
        ],
      },
    });
  });

  it("invalidData gives the JSON pointer of every problem", () => {
    const result = step(
      pathway,
      intake(),
      { type: "SCREENING_COMPLETED", data: { outcome: 3, other: true } },
      adult,
      t1,
    );
    expect(result.ok === false && result.refusal.kind === "invalidData" && result.refusal.issues).toEqual([
      { path: "/other", message: "is not a field of this event" },
      { path: "/outcome", message: "must be string" },
      { path: "/outcome", message: "must be equal to one of the allowed values" },
    ]);
    const missing = step(pathway, intake(), { type: "SCREENING_COMPLETED" }, adult, t1);
    expect(missing.ok === false && missing.refusal.kind === "invalidData" && missing.refusal.issues).toEqual([
      { path: "/outcome", message: "is required" },
    ]);
  });

  it("guardFailed explains each branch in positive words, marking what does not hold", () => {
    const result = step(
      pathway,
      intake(),
      { type: "SCREENING_COMPLETED", data: { outcome: "trafficking" } },
      adult,
      t1,
    );
    if (result.ok || result.refusal.kind !== "guardFailed") throw new Error("expected guardFailed");
    expect(result.refusal.branches.map((b) => b.text)).toEqual([
      "to go to Referred to another service: Outcome must not be trafficking (it is not)",
      "to go to Best-interests assessment: the person must be a child (or of uncertain age) (it is not)",
      "to go to Reasonable grounds: consent to referral must be recorded (it is not)",
    ]);
    expect(result.refusal.failed).toEqual([
      "Outcome must not be trafficking",
      "the person must be a child (or of uncertain age)",
      "consent to referral must be recorded",
    ]);
    expect(result.refusal.branches.map((b) => b.target)).toEqual([
      "closed.referredOut",
      "screening.childAssessment",
      "screening.reasonableGrounds",
    ]);
  });

  it("throws on a state that is not a leaf of the pathway (a caller bug, not a refusal)", () => {
    expect(() =>
      step(pathway, { state: "screening", facts: {}, enteredAt: {} }, { type: "LOST_CONTACT" }, adult, t1),
    ).toThrow(/not a leaf state of ZZ@1/);
  });
});

describe("effects", () => {
  it("cancels every state left (innermost first) and schedules every state entered", () => {
    const result = ok(
      step(
        pathway,
        intake(),
        { type: "SCREENING_COMPLETED", data: { outcome: "trafficking" } },
        withReferral,
        t1,
      ),
    );
    expect(
      result.effects.map((e) =>
        e.type === "scheduleTask" ? `schedule ${e.task.key}` : `${e.type} ${"state" in e ? e.state : ""}`,
      ),
    ).toEqual([
      "cancelTasks identification.intake",
      "cancelTasks identification",
      "schedule screening.reasonableGrounds/rg-decision#1",
    ]);
    expect(result.snapshot.enteredAt).toEqual({
      screening: t1.toISOString(),
      "screening.reasonableGrounds": t1.toISOString(),
    });
    expect(result.snapshot.facts).toEqual({ outcome: "trafficking", identifiedAt: t1.toISOString() });
  });

  it("notifies the responsible roles of a compound state and its leaf on entry", () => {
    const child: CaseContext = { person: { ageUncertain: true }, consents: [] };
    const assessed = ok(
      step(pathway, intake(), { type: "SCREENING_COMPLETED", data: { outcome: "trafficking" } }, child, t1),
    );
    const inShelter = ok(
      step(pathway, assessed.snapshot, { type: "CHILD_ASSESSED", data: { placement: "shelter" } }, child, t1),
    );
    expect(inShelter.effects.filter((e) => e.type === "notify")).toEqual([
      {
        type: "notify",
        to: { role: "caseworker", agency: "shelter-ngo" },
        reason: "stateEntered",
        state: "shelter",
        label: expect.objectContaining({ en: expect.any(String) }),
      },
    ]);
    expect(inShelter.effects.filter((e) => e.type === "scheduleTask")).toHaveLength(3);
    expect(
      inShelter.effects.filter((e) => e.type === "cancelTasks").map((e) => "state" in e && e.state),
    ).toEqual(["screening.childAssessment", "screening"]);
  });

  it("a targetless transition records facts without exit or entry", () => {
    const before = reasonableGrounds();
    const result = ok(
      step(
        pathway,
        before,
        { type: "RISK_ASSESSED", data: { riskLevel: 4 } },
        adult,
        new Date("2026-03-05T09:00:00Z"),
      ),
    );
    expect(result.from).toBe("screening.reasonableGrounds");
    expect(result.to).toBe("screening.reasonableGrounds");
    expect(result.effects).toEqual([]);
    expect(result.snapshot.enteredAt).toEqual(before.enteredAt);
    expect(result.snapshot.facts.riskLevel).toBe(4);
  });

  it("never copies personal fields into facts, even when a definition asks (lint reports it)", () => {
    const careless = structuredClone(pathway);
    const candidates = careless.states.identification!.states!.intake!.on!.SCREENING_COMPLETED as {
      record?: string[];
    }[];
    candidates[0]!.record = ["outcome", "notes"];
    const start = startCase(careless, adult, t0).snapshot;
    const result = ok(
      step(
        careless,
        start,
        { type: "SCREENING_COMPLETED", data: { outcome: "gbv", notes: "free text" } },
        adult,
        t1,
      ),
    );
    expect(result.to).toBe("closed.referredOut");
    expect(result.outcome).toBe("referredOut");
    expect(result.snapshot.facts).toEqual({ outcome: "gbv" });
  });

  it("RECORD_CONSENT stays in the state and returns the record to store", () => {
    const result = ok(
      step(
        pathway,
        intake(),
        { type: "RECORD_CONSENT", data: { scope: "referral", given: true, method: "guardian" } },
        adult,
        t1,
      ),
    );
    expect(result.to).toBe("identification.intake");
    expect(result.effects).toEqual([
      {
        type: "recordConsent",
        consent: { scope: "referral", given: true, at: t1.toISOString(), method: "guardian" },
      },
    ]);
  });

  it("anywhere events apply in nested states and close the case with its outcome", () => {
    const result = ok(step(pathway, reasonableGrounds(), { type: "LOST_CONTACT" }, adult, t1));
    expect(result.to).toBe("closed.lostContact");
    expect(result.stage).toBe("closed");
    expect(result.outcome).toBe("lostContact");
    expect(result.snapshot.enteredAt).toEqual({
      closed: t1.toISOString(),
      "closed.lostContact": t1.toISOString(),
    });
  });
});
