import type { ConsentRecord } from "@passerelle/engine";
import { describe, expect, it } from "vitest";
import { ConsentInput } from "./consent-record.ts";
import { latestConsent, mayShare } from "./sharing.ts";

const at = (day: number) => `2026-01-${String(day).padStart(2, "0")}T10:00:00.000Z`;
const rec = (scope: ConsentRecord["scope"], given: boolean, day: number): ConsentRecord => ({
  scope,
  given,
  at: at(day),
});
const adult = { minor: false, crossBorder: false };

describe("mayShare", () => {
  it("an adult's referral needs consent", () => {
    expect(mayShare([], adult)).toMatchObject({ ok: false, reason: "consentMissing" });
    expect(mayShare([rec("referral", true, 1)], adult)).toEqual({
      ok: true,
      basis: "consent",
      scopes: ["referral"],
    });
  });

  it("withdrawal of referral or data sharing stops further sharing", () => {
    expect(mayShare([rec("referral", true, 1), rec("referral", false, 2)], adult)).toMatchObject({
      ok: false,
      reason: "consentWithdrawn",
      scopes: ["referral"],
    });
    expect(mayShare([rec("referral", true, 1), rec("dataSharing", false, 2)], adult)).toMatchObject({
      ok: false,
      scopes: ["dataSharing"],
    });
    expect(mayShare([rec("referral", false, 1), rec("referral", true, 3)], adult)).toMatchObject({
      ok: true,
    });
  });

  it("cross-border sharing also needs crossBorderTransfer", () => {
    const given = [rec("dataSharing", true, 1)];
    expect(mayShare(given, { minor: false, crossBorder: true })).toMatchObject({
      ok: false,
      reason: "consentMissing",
      scopes: ["crossBorderTransfer"],
    });
    expect(
      mayShare([...given, rec("crossBorderTransfer", true, 2)], { minor: false, crossBorder: true }),
    ).toMatchObject({
      ok: true,
      scopes: ["dataSharing", "crossBorderTransfer"],
    });
  });

  it("a presumed child without consent is shared only on a recorded best-interests decision", () => {
    expect(mayShare([], { minor: true, crossBorder: true })).toMatchObject({
      ok: false,
      reason: "bestInterestsDecisionRequired",
    });
    const withdrawn = [rec("referral", true, 1), rec("referral", false, 2)];
    expect(mayShare(withdrawn, { minor: true, crossBorder: false })).toMatchObject({
      ok: false,
      reason: "bestInterestsDecisionRequired",
      scopes: ["referral"],
    });
    expect(mayShare(withdrawn, { minor: true, crossBorder: true, bestInterestsDecided: true })).toEqual({
      ok: true,
      basis: "bestInterests",
      scopes: [],
    });
  });

  it("a child's consent counts as an adult's does", () => {
    expect(mayShare([rec("referral", true, 1)], { minor: true, crossBorder: false })).toEqual({
      ok: true,
      basis: "consent",
      scopes: ["referral"],
    });
  });

  it("the latest record decides; ties go to the later one in the list", () => {
    expect(latestConsent([rec("referral", true, 2), rec("referral", false, 2)], "referral")?.given).toBe(
      false,
    );
    expect(latestConsent([rec("referral", false, 3), rec("referral", true, 2)], "referral")?.given).toBe(
      false,
    );
  });
});

describe("ConsentInput", () => {
  it("requires a guardian when consent was obtained through one", () => {
    expect(ConsentInput.safeParse({ scope: "referral", given: true, method: "guardian" }).success).toBe(
      false,
    );
    expect(
      ConsentInput.safeParse({
        scope: "referral",
        given: true,
        method: "guardian",
        guardian: { name: "x", relationship: "parent" },
      }).success,
    ).toBe(true);
  });
});
