import { describe, expect, it } from "vitest";
import { allowedEvents } from "./allowed.ts";
import { compile } from "./compile.ts";
import { adult, intake, pathway, reasonableGrounds, t1 } from "./testing/tiny-case.ts";

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
    expect(byType.TRANSFERRED).toEqual([
      "none of: consent 'crossBorderTransfer' not given; person is not a minor",
    ]);
    expect(byType.DECLINED).toEqual([]);
    const child = allowedEvents(pathway, intake(), { person: {}, consents: [] }, t1);
    expect(child.find((a) => a.type === "DECLINED")!.blockedBy).toEqual([
      "person is a minor or of uncertain age (child presumption)",
    ]);
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
