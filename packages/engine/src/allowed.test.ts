import { describe, expect, it } from "vitest";
import { allowedEvents } from "./allowed.ts";
import { compile } from "./compile.ts";
import { adult, intake, pathway, reasonableGrounds, t1, withReferral } from "./testing/tiny-case.ts";

describe("allowedEvents", () => {
  it("lists the leaf's events, then ancestors', anywhere and built-ins, with data schemas", () => {
    const allowed = allowedEvents(pathway, reasonableGrounds(), adult, t1);
    expect(allowed.map((a) => a.type)).toEqual([
      "RG_DECISION",
      "RISK_ASSESSED",
      "LOST_CONTACT",
      "DECEASED",
      "TRANSFERRED",
      "DECLINED",
      "RECORD_CONSENT",
    ]);
    const rg = allowed[0]!;
    expect(rg.roles).toEqual(["supervisor"]);
    expect(rg.label.en).toBe("Reasonable-grounds decision");
    expect(rg.dataSchema).toMatchObject({
      $schema: "https://json-schema.org/draft/2020-12/schema",
      type: "object",
      required: ["decision"],
      additionalProperties: false,
      properties: { decision: { type: "string", enum: ["positive", "negative"] } },
    });
    expect(allowed[1]!.dataSchema.properties).toMatchObject({
      riskLevel: { type: "integer", minimum: 1, maximum: 5 },
    });
    expect(allowed[2]!.roles).toEqual(["caseworker", "supervisor"]);
  });

  it("says what blocks an event that no data can unblock", () => {
    const allowed = allowedEvents(pathway, intake(), adult, t1);
    const byType = Object.fromEntries(allowed.map((a) => [a.type, a.blockedBy]));
    // SCREENING_COMPLETED is not blocked: outcome 'smuggling' would pass the first candidate.
    expect(byType.SCREENING_COMPLETED).toEqual([]);
    // An adult's age is not an alternative to offer: only the consent is asked for.
    expect(byType.TRANSFERRED).toEqual(["consent to cross-border transfer must be recorded"]);
    expect(byType.DECLINED).toEqual([]);
    const child = allowedEvents(pathway, intake(), { person: {}, consents: [] }, t1);
    expect(child.find((a) => a.type === "DECLINED")!.blockedBy).toEqual(["the person must be an adult"]);
  });

  it("shares a state's list between cases only while each of its guards has the same outcome", () => {
    const blockers = (allowed: ReturnType<typeof allowedEvents>) =>
      Object.fromEntries(allowed.map((a) => [a.type, a.blockedBy]));
    const first = allowedEvents(pathway, intake(), adult, t1);
    // Another adult without consents: the same outcomes, the same (frozen, shared) list.
    const same = allowedEvents(pathway, intake(), { person: { birthDate: "1985-06-01" }, consents: [] }, t1);
    expect(same).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    // A consent recorded: the transfer is no longer blocked.
    const consented = allowedEvents(
      pathway,
      intake(),
      {
        person: adult.person,
        consents: [{ scope: "crossBorderTransfer", given: true, at: "2026-03-01T00:00:00Z" }],
      },
      t1,
    );
    expect(blockers(consented).TRANSFERRED).toEqual([]);
    // The person a child: declining needs an adult.
    const child = allowedEvents(pathway, intake(), { person: {}, consents: [] }, t1);
    expect(blockers(child).DECLINED).toEqual(["the person must be an adult"]);
    expect(blockers(child).TRANSFERRED).toEqual([]);
    // And the first case again: its own list, not the last one built.
    const again = allowedEvents(pathway, intake(), adult, t1);
    expect(blockers(again).TRANSFERRED).toEqual(["consent to cross-border transfer must be recorded"]);
    expect(blockers(again).DECLINED).toEqual([]);
  });

  it("says per branch whether it is open now and what it still needs (data to send, or the case)", () => {
    const screening = allowedEvents(pathway, intake(), adult, t1).find(
      (a) => a.type === "SCREENING_COMPLETED",
    );
    expect(screening!.branches).toEqual([
      {
        target: "closed.referredOut",
        text: "to go to Referred to another service: Outcome must not be trafficking",
        open: true,
        needs: ["Outcome must not be trafficking"],
        unmet: [],
      },
      {
        target: "screening.childAssessment",
        text: "to go to Best-interests assessment: the person must be a child (or of uncertain age) (it is not)",
        open: false,
        needs: ["the person must be a child (or of uncertain age)"],
        unmet: ["the person must be a child (or of uncertain age)"],
      },
      {
        target: "screening.reasonableGrounds",
        text: "to go to Reasonable grounds: consent to referral must be recorded (it is not)",
        open: false,
        needs: ["consent to referral must be recorded"],
        unmet: ["consent to referral must be recorded"],
      },
    ]);
    // Recorded consent opens the branch; the text no longer marks it.
    const consented = allowedEvents(pathway, intake(), withReferral, t1).find(
      (a) => a.type === "SCREENING_COMPLETED",
    );
    expect(consented!.branches[2]).toMatchObject({ open: true, needs: [], unmet: [] });
    const record = allowedEvents(pathway, intake(), adult, t1).find((a) => a.type === "RECORD_CONSENT");
    expect(record!.branches).toEqual([
      { target: null, text: "to record it", open: true, needs: [], unmet: [] },
    ]);
  });

  it("speaks the pathway's first language (French for a French-first pathway)", () => {
    const french = { ...pathway, languages: ["fr", "en"] };
    const screening = allowedEvents(french, intake(), adult, t1).find(
      (a) => a.type === "SCREENING_COMPLETED",
    );
    expect(screening!.branches[2]!.text).toBe(
      "pour passer à Motifs raisonnables : le consentement à l'orientation doit être enregistré (ce n'est pas le cas)",
    );
  });

  it("is empty for a closed case", () => {
    expect(
      allowedEvents(pathway, { state: "closed.reintegrated", facts: {}, enteredAt: {} }, adult, t1),
    ).toEqual([]);
  });

  it("describes every field type", () => {
    const { properties } = compile(pathway).dataSchema("FOLLOW_UP_DONE") as {
      properties: Record<string, unknown>;
    };
    expect(properties).toMatchObject({
      visitOutcome: { type: "string", enum: ["stable", "atRisk"] },
      grantAmount: { type: "number", minimum: 0 },
      peerSupport: { type: "boolean" },
    });
    expect(compile(pathway).dataSchema("RETURN_COMPLETED")).toMatchObject({
      properties: { arrivedAt: { type: "string", format: "date-time" } },
    });
    expect(compile(pathway).dataSchema("SHELTER_LEFT")).toMatchObject({
      properties: {
        services: { type: "array", uniqueItems: true, items: { enum: ["medical", "legal", "psychosocial"] } },
      },
    });
    expect(compile(pathway).dataSchema("SCREENING_COMPLETED")).toMatchObject({
      properties: { notes: { type: "string", maxLength: 2000, "x-personal": true } },
    });
  });
});
