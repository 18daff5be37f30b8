/**
 * A refused event explains itself per branch, in the pathway's language, on a real pathway: the
 * caseworker sees which branch they meant and the one thing it lacks, and the case view says the
 * same before the event is sent.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, type TestApp } from "../testing/build.ts";
import { ADULT, dumpCase, IDENTIFICATION, sendEvent } from "../testing/fixtures.ts";

const ERRORS_DOC = readFileSync(new URL("../../../../docs/errors.md", import.meta.url), "utf8");

let t: TestApp;
beforeAll(async () => {
  t = await build();
});
afterAll(async () => {
  await t.close();
});

/** An adult Ghana case at the reasonable-grounds decision, with referral consent only. */
async function atReasonableGrounds() {
  const res = await t.app.inject({
    method: "POST",
    url: "/v1/cases",
    // Version 1, as docs/errors.md shows it (new cases default to the latest published version).
    payload: {
      country: "GH",
      pathwayVersion: 1,
      person: ADULT,
      identification: { ...IDENTIFICATION, agency: "police-ahtu" },
    },
  });
  expect(res.statusCode).toBe(201);
  const opened = res.json() as { id: string; revision: number };
  const consent = { scope: "referral", given: true, method: "written" };
  expect((await sendEvent(t.app, opened.id, "RECORD_CONSENT", opened.revision, consent)).statusCode).toBe(
    200,
  );
  const screened = await sendEvent(t.app, opened.id, "SCREENING_COMPLETED", opened.revision + 1, {
    outcome: "trafficking",
  });
  expect(screened.json().state).toBe("screening.reasonableGrounds");
  return screened.json() as { id: string; revision: number; allowedEvents: AllowedEvent[] };
}

interface AllowedEvent {
  type: string;
  blockedBy: string[];
  branches: { target: string | null; text: string; open: boolean; needs: string[]; unmet: string[] }[];
}

const DECISION = {
  traffickingStatus: "PossibleVictimOfTrafficking",
  decisionMakingOrg: "Police",
  accommodation: "shelter",
};

describe("GUARD_FAILED on a shipped pathway", () => {
  it("answers per branch, in positive words, marking what does not hold; nothing is stored", async () => {
    const at = await atReasonableGrounds();
    const before = await dumpCase(t.file, at.id);
    const res = await sendEvent(t.app, at.id, "REASONABLE_GROUNDS_DECIDED", at.revision, DECISION);
    expect(res.statusCode).toBe(422);
    const problem = res.json();
    expect(problem.code).toBe("PASSERELLE_GUARD_FAILED");
    const shelter = problem.branches.find((b: { target: string }) => b.target === "shelter");
    expect(shelter).toEqual({
      target: "shelter",
      text:
        "to go to Temporary care (Act 694 s.15): Decision must be Reasonable grounds: presumed victim of trafficking, " +
        "Accommodation needed must be Shelter, and consent to assistance must be recorded (it is not)",
      unmet: ["consent to assistance must be recorded"],
    });
    expect(problem.detail).toContain(shelter.text);
    expect(problem.detail).not.toMatch(/none of|not a minor|not given/);
    expect(problem.failedConditions).toContain("consent to assistance must be recorded");
    expect(await dumpCase(t.file, at.id)).toBe(before);

    // docs/errors.md shows this very refusal: its example must stay what the server answers.
    const example = JSON.parse(/```json\n([\s\S]*?)\n```/.exec(ERRORS_DOC)![1]!);
    const { instance: _instance, ...answered } = problem;
    const { instance: _documented, ...documented } = example;
    expect(documented).toEqual(answered);
  });

  it("allowedEvents says per event which branches are open and what each still needs", async () => {
    const at = await atReasonableGrounds();
    const decided = at.allowedEvents.find((e) => e.type === "REASONABLE_GROUNDS_DECIDED")!;
    const shelter = decided.branches.find((b) => b.target === "shelter")!;
    expect(shelter).toMatchObject({ open: false, unmet: ["consent to assistance must be recorded"] });
    expect(shelter.needs).toContain("Accommodation needed must be Shelter");
    expect(shelter.needs).toContain("consent to assistance must be recorded");
    // Not trafficking is open now: only the decision the caseworker sends decides it.
    expect(decided.branches.find((b) => b.target === "closed.referredOut")).toMatchObject({
      open: true,
      unmet: [],
    });

    // Once consent is recorded, the shelter branch opens and the same event goes through.
    const consent = { scope: "assistance", given: true, method: "written" };
    const consented = await sendEvent(t.app, at.id, "RECORD_CONSENT", at.revision, consent);
    const open = (consented.json().allowedEvents as AllowedEvent[])
      .find((e) => e.type === "REASONABLE_GROUNDS_DECIDED")!
      .branches.find((b) => b.target === "shelter")!;
    expect(open).toMatchObject({ open: true, unmet: [] });
    const accepted = await sendEvent(t.app, at.id, "REASONABLE_GROUNDS_DECIDED", at.revision + 1, DECISION);
    expect(accepted.statusCode).toBe(200);
    expect(accepted.json().stage).toBe("shelter");
  });
});
