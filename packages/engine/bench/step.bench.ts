/**
 * Benchmark (not a test): steps per second of the engine's `step()` on the Ghana pathway, cycling
 * the "adult reintegrated" scenario from start to close on persisted snapshots (each step starts
 * from the JSON the server would have stored), against raw XState `transition()` on the same
 * machine written by hand with plain guards (`gh-machine.ts`) doing the same sequence.
 *
 * Run: pnpm --filter @passerelle/engine bench
 */
import { join } from "node:path";
import { createActor, initialTransition, transition } from "xstate";
import { consentGiven, isMinor } from "../src/conditions.ts";
import { startCase, step } from "../src/index.ts";
import { fromStateValue } from "../src/state-index.ts";
import { loadPathway, PATHWAYS_DIR, readYaml } from "../src/testing/load.ts";
import type { ScenarioFile } from "../src/testing/scenario.ts";
import type { CaseContext, CaseSnapshot, ConsentRecord } from "../src/types.ts";
import { ghMachine, type PlainEvent } from "./gh-machine.ts";

const pathway = loadPathway(join(PATHWAYS_DIR, "GH", "1.yaml"));
const scenario = readYaml<ScenarioFile>(join(PATHWAYS_DIR, "GH", "1.scenarios.yaml")).scenarios.find(
  (s) => s.name === "adult reintegrated",
)!;
const start = new Date(scenario.start);
// Refused steps are left out: both sides run the accepted sequence only.
const events = scenario.steps
  .filter((s) => !s.refused)
  .map((s) => ({ type: s.event, data: s.data ?? {}, at: new Date(s.at) }));

/** Consents as they stand before each event (the server would load them with the case). */
const consentsBefore: ConsentRecord[][] = [];
{
  const consents: ConsentRecord[] = [];
  for (const e of events) {
    consentsBefore.push([...consents]);
    if (e.type === "RECORD_CONSENT")
      consents.push({ scope: e.data.scope as never, given: e.data.given as boolean, at: e.at.toISOString() });
  }
}

let cycles = 0;

/**
 * Each cycle runs 37 minutes later than the previous one, so that deadline arithmetic meets new
 * instants (and new zone-offset lookups) as it would on a live server, not a warm cache.
 */
function engineCycle(): number {
  const person = scenario.person;
  const shift = (cycles++ % 20_000) * 37 * 60_000;
  let stored = JSON.stringify(
    startCase(pathway, { person, consents: [] }, new Date(start.getTime() + shift)).snapshot,
  );
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const ctx: CaseContext = { person, consents: consentsBefore[i]! };
    const snapshot = JSON.parse(stored) as CaseSnapshot;
    const result = step(
      pathway,
      snapshot,
      { type: e.type, data: e.data },
      ctx,
      new Date(e.at.getTime() + shift),
    );
    if (!result.ok) throw new Error(`engine refused ${e.type}: ${JSON.stringify(result.refusal)}`);
    stored = JSON.stringify(result.snapshot);
  }
  return events.length + 1;
}

// The raw side gets its guard inputs precomputed: it measures XState alone.
const plainEvents: PlainEvent[] = (() => {
  const facts: Record<string, unknown> = {};
  return events.map((e, i) => {
    const consent = Object.fromEntries(
      ["referral", "assistance", "return", "crossBorderTransfer"].map((s) => [
        s,
        consentGiven(consentsBefore[i]!, s as never),
      ]),
    );
    const plain: PlainEvent = {
      type: e.type,
      data: e.data,
      minor: isMinor(scenario.person, e.at, pathway.timezone),
      consent,
      facts: { ...facts },
      reflectionOver: true,
    };
    if (e.type === "SUPPORT_PLAN_AGREED") facts.services = e.data.services;
    if (e.type === "MONITORING_VISIT_RECORDED") facts.visitOutcome = e.data.visitOutcome;
    plain.facts = { ...facts };
    return plain;
  });
})();

function rawCycle(): number {
  let [snapshot] = initialTransition(ghMachine);
  for (const e of plainEvents) [snapshot] = transition(ghMachine, snapshot, e);
  if (fromStateValue(snapshot.value) !== "closed.reintegrated")
    throw new Error("raw machine did not close the case");
  return plainEvents.length + 1;
}

/**
 * Raw XState again, reusing one inert actor scope as the engine does (xstate's `transition()`
 * builds a throw-away actor, and with it the initial state, on every call): XState's own cost.
 */
const rawActor = createActor(ghMachine);
const rawScope = {
  self: rawActor,
  id: "",
  sessionId: "",
  logger: () => {},
  defer: () => {},
  emit: () => {},
  system: rawActor.system,
  stopChild: () => {},
  actionExecutor: () => {},
};
const rawInitial = initialTransition(ghMachine)[0];

function rawReusedScopeCycle(): number {
  let snapshot = rawInitial;
  for (const e of plainEvents) snapshot = ghMachine.transition(snapshot, e, rawScope as never);
  if (fromStateValue(snapshot.value) !== "closed.reintegrated")
    throw new Error("raw machine did not close the case");
  return plainEvents.length + 1;
}

/** Before timing anything: both sides must walk the same states. */
function checkEquivalent() {
  let [raw] = initialTransition(ghMachine);
  let snapshot = startCase(pathway, { person: scenario.person, consents: [] }, start).snapshot;
  events.forEach((e, i) => {
    [raw] = transition(ghMachine, raw, plainEvents[i]!);
    const result = step(
      pathway,
      snapshot,
      { type: e.type, data: e.data },
      { person: scenario.person, consents: consentsBefore[i]! },
      e.at,
    );
    if (!result.ok) throw new Error(`engine refused ${e.type}`);
    snapshot = result.snapshot;
    const rawPath = fromStateValue(raw.value);
    if (rawPath !== snapshot.state)
      throw new Error(`after ${e.type}: engine in ${snapshot.state}, raw machine in ${rawPath}`);
  });
}
checkEquivalent();

function rate(cycle: () => number, ms: number): number {
  let steps = 0;
  const t0 = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    steps += cycle();
    elapsed = performance.now() - t0;
  }
  return (steps / elapsed) * 1000;
}

const ROUNDS = 5;
const ROUND_MS = 1000;
rate(engineCycle, 1500);
rate(rawCycle, 1500);
rate(rawReusedScopeCycle, 1000);
const engineRates: number[] = [];
const rawRates: number[] = [];
const reusedRates: number[] = [];
const ratios: number[] = [];
// Interleaved rounds, so that load from other processes hits both sides alike.
for (let round = 0; round < ROUNDS; round++) {
  engineRates.push(rate(engineCycle, ROUND_MS));
  rawRates.push(rate(rawCycle, ROUND_MS));
  reusedRates.push(rate(rawReusedScopeCycle, ROUND_MS));
  ratios.push(engineRates[round]! / rawRates[round]!);
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const fmt = (n: number) => Math.round(n).toLocaleString("en");
const line = (name: string, rates: number[]) =>
  console.log(
    `${name.padEnd(44)} ${fmt(median(rates)).padStart(8)} steps/s  (rounds: ${rates.map(fmt).join(", ")})`,
  );
console.log(
  `GH@1 "adult reintegrated": ${events.length + 1} steps per cycle (start + ${events.length} events), ${ROUNDS} rounds of ${ROUND_MS} ms after warm-up, medians`,
);
line("engine step() (persisted snapshots)", engineRates);
line("raw XState transition(), hand-written GH", rawRates);
line("raw XState, hand-written GH, reused scope", reusedRates);
console.log(`ratio engine/raw transition(): ${median(ratios).toFixed(2)} (goal ≥ 0.50)`);
console.log(`ratio engine/raw reused scope: ${(median(engineRates) / median(reusedRates)).toFixed(2)}`);
