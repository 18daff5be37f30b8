/**
 * The tiny made-up pathway's starting points, shared by the step and allowedEvents tests: an adult
 * with and without referral consent, two instants a day apart, and the two first states of a case.
 */
import { startCase, step } from "../step.ts";
import type { CaseContext, CaseSnapshot, StepResult, StepSuccess } from "../types.ts";
import { tiny } from "./load.ts";

export const pathway = tiny();
export const adult: CaseContext = { person: { birthDate: "1990-01-01" }, consents: [] };
export const withReferral: CaseContext = {
  person: { birthDate: "1990-01-01" },
  consents: [{ scope: "referral", given: true, at: "2026-03-01T00:00:00Z" }],
};
export const t0 = new Date("2026-03-02T09:00:00Z");
export const t1 = new Date("2026-03-03T09:00:00Z");

/** The success of a step that must not be refused. */
export function ok(result: StepResult): StepSuccess {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.refusal)}`);
  return result;
}

/** A new case in identification.intake. */
export const intake = (): CaseSnapshot => startCase(pathway, adult, t0).snapshot;

/** A case screened as trafficking, waiting for the reasonable-grounds decision. */
export const reasonableGrounds = (): CaseSnapshot =>
  ok(
    step(
      pathway,
      intake(),
      { type: "SCREENING_COMPLETED", data: { outcome: "trafficking" } },
      withReferral,
      t1,
    ),
  ).snapshot;
