/**
 * Random walks over every shipped pathway and the tiny fixture: events drawn from `allowedEvents`,
 * data generated from each event's schema, consents and people of every kind, time moving forward.
 * Whatever happens, the engine must not throw, must stay on leaves from which a case can still be
 * closed, and must leave the snapshot alone when it refuses.
 */
import { CONSENT_SCOPES, isClosedPath, type Pathway, successors } from "@passerelle/definitions";
import { describe, expect, it } from "vitest";
import { allowedEvents } from "./allowed.ts";
import { compile } from "./compile.ts";
import { startCase, step } from "./step.ts";
import { shippedPathways, tiny } from "./testing/load.ts";
import { dataFor, int, pick, type Random, seeded } from "./testing/random.ts";
import type { CaseContext, CaseSnapshot, PersonAttributes } from "./types.ts";

const STEPS_PER_PATHWAY = 1500;

/** Leaves from which some path (whatever the guards) reaches a closed outcome. */
function leavesThatCanClose(pathway: Pathway): Set<string> {
  const leaves = compile(pathway).index.leaves;
  const edges = new Map(leaves.map((leaf) => [leaf, successors(pathway, leaf)]));
  const canClose = new Set(leaves.filter(isClosedPath));
  let grew = true;
  while (grew) {
    grew = false;
    for (const [leaf, next] of edges) {
      if (!canClose.has(leaf) && [...next].some((n) => canClose.has(n))) {
        canClose.add(leaf);
        grew = true;
      }
    }
  }
  return canClose;
}

function randomPerson(random: Random): PersonAttributes {
  const kind = pick(random, ["adult", "child", "uncertain", "unknown"] as const);
  const year = kind === "adult" ? int(random, 1960, 2000) : int(random, 2010, 2020);
  const birthDate = `${year}-0${int(random, 1, 9)}-1${int(random, 0, 9)}`;
  if (kind === "unknown") return { sex: "female" };
  return {
    birthDate,
    sex: pick(random, ["female", "male"]),
    ...(kind === "uncertain" ? { ageUncertain: true } : {}),
  };
}

function randomContext(random: Random, now: Date): CaseContext {
  const consents = CONSENT_SCOPES.filter(() => random() < 0.4).map((scope) => ({
    scope,
    given: random() < 0.8,
    at: new Date(now.getTime() - int(random, 0, 1000) * 60_000).toISOString(),
  }));
  return { person: randomPerson(random), consents };
}

function walk(pathway: Pathway, seed: number) {
  const random = seeded(seed);
  const compiled = compile(pathway);
  const leaves = new Set(compiled.index.leaves);
  const canClose = leavesThatCanClose(pathway);
  const visited = new Set<string>();
  const counts = { steps: 0, accepted: 0, refused: 0, closed: 0 };
  let now = new Date("2026-01-05T08:00:00Z");
  let ctx = randomContext(random, now);
  let snapshot: CaseSnapshot = startCase(pathway, ctx, now).snapshot;

  for (let i = 0; i < STEPS_PER_PATHWAY; i++) {
    counts.steps++;
    visited.add(snapshot.state);
    expect(leaves.has(snapshot.state), snapshot.state).toBe(true);
    expect(canClose.has(snapshot.state), `closed unreachable from ${snapshot.state}`).toBe(true);
    if (snapshot.state.startsWith("closed.")) {
      counts.closed++;
      now = new Date(now.getTime() + int(random, 1, 48) * 3_600_000);
      ctx = randomContext(random, now);
      snapshot = startCase(pathway, ctx, now).snapshot;
      continue;
    }
    now = new Date(now.getTime() + int(random, 0, 240) * 3_600_000 * (random() < 0.1 ? 10 : 1));
    const allowed = allowedEvents(pathway, snapshot, ctx, now);
    expect(allowed.length).toBeGreaterThan(0);
    // Events offered now, mostly with valid data, sometimes with a field the schema does not know.
    const chosen = pick(random, allowed);
    const invalid = random() < 0.05;
    const data = dataFor(chosen.dataSchema, random);
    const event = { type: chosen.type, data: invalid ? { ...data, unexpectedField: 1 } : data };
    const before = structuredClone(snapshot);
    const result = step(pathway, snapshot, event, ctx, now);
    if (!result.ok) {
      counts.refused++;
      expect(snapshot).toEqual(before);
      // An offered event with valid data can only meet its guards.
      expect(result.refusal.kind).toBe(invalid ? "invalidData" : "guardFailed");
      continue;
    }
    // `blockedBy` promises that no data can get the event through.
    expect(chosen.blockedBy, `${chosen.type} was offered as blocked but accepted`).toEqual([]);
    counts.accepted++;
    expect(result.snapshot.state).toBe(result.to);
    for (const effect of result.effects)
      if (effect.type === "recordConsent") ctx.consents.push(effect.consent);
    // Consent may also change outside the walk's events, as records made on paper are entered later.
    if (random() < 0.05)
      ctx.consents.push({
        scope: pick(random, CONSENT_SCOPES),
        given: random() < 0.7,
        at: now.toISOString(),
      });
    snapshot = result.snapshot;
  }
  return { counts, visited };
}

const pathways: [string, Pathway][] = [
  ["ZZ@1 (tiny)", tiny(1)],
  ["ZZ@2 (tiny)", tiny(2)],
  ...shippedPathways().map(({ pathway }): [string, Pathway] => [
    `${pathway.country}@${pathway.version}`,
    pathway,
  ]),
];

describe("random walk", () => {
  it.each(pathways)("%s", (_name, pathway) => {
    const { counts, visited } = walk(pathway, 20260302);
    expect(counts.accepted).toBeGreaterThan(STEPS_PER_PATHWAY / 4);
    expect(counts.refused).toBeGreaterThan(0);
    expect(counts.closed).toBeGreaterThan(0);
    expect(visited.size).toBeGreaterThan(3);
  });
});
