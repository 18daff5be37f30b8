/**
 * The shipped migration plans (`pathways/<C>/migrations/<from>-to-<to>.yaml`), checked by the
 * engine and run on many cases of the old version in varied states: the cases every v1 scenario
 * passes through, and a seeded random walk of v1. Each must migrate to a leaf of the new version
 * from which the case can go on.
 */
import { type Pathway, shippedMigrationPlans } from "@passerelle/definitions";
import { describe, expect, it } from "vitest";
import { allowedEvents } from "./allowed.ts";
import { compile } from "./compile.ts";
import { migrate, validateMigrationPlan } from "./migrate.ts";
import { startCase, step } from "./step.ts";
import { readYaml, shippedPathways, shippedScenarioFiles } from "./testing/load.ts";
import { dataFor, int, pick, seeded } from "./testing/random.ts";
import type { ScenarioFile } from "./testing/scenario.ts";
import type { CaseContext, CaseSnapshot, MigrationPlan } from "./types.ts";

interface Case {
  snapshot: CaseSnapshot;
  ctx: CaseContext;
  at: Date;
}

const pathway = (country: string, version: number): Pathway => {
  const found = shippedPathways().find((s) => s.pathway.country === country && s.pathway.version === version);
  if (!found) throw new Error(`no ${country}@${version}`);
  return found.pathway;
};

/** Every state every scenario of the old version passes through, with its person and consents. */
function scenarioCases(from: Pathway): Case[] {
  const file = shippedScenarioFiles().find((f) =>
    f.endsWith(`/${from.country}/${from.version}.scenarios.yaml`),
  );
  if (!file) return [];
  const cases: Case[] = [];
  for (const scenario of readYaml<ScenarioFile>(file).scenarios) {
    const ctx: CaseContext = { person: scenario.person ?? {}, consents: [...(scenario.consents ?? [])] };
    let snapshot = startCase(from, ctx, new Date(scenario.start)).snapshot;
    cases.push({ snapshot, ctx: structuredClone(ctx), at: new Date(scenario.start) });
    for (const s of scenario.steps) {
      const result = step(from, snapshot, { type: s.event, data: s.data ?? {} }, ctx, new Date(s.at));
      if (!result.ok) continue;
      for (const effect of result.effects)
        if (effect.type === "recordConsent") ctx.consents.push(effect.consent);
      snapshot = result.snapshot;
      cases.push({ snapshot, ctx: structuredClone(ctx), at: new Date(s.at) });
    }
  }
  return cases;
}

/** A seeded random walk of the old version: many cases, people of every kind, every reachable state. */
function randomCases(from: Pathway, seed: number, steps: number): Case[] {
  const random = seeded(seed);
  const cases: Case[] = [];
  let now = new Date("2026-01-05T08:00:00Z");
  const newCtx = (): CaseContext => {
    const kind = pick(random, ["adult", "child", "uncertain"] as const);
    const person =
      kind === "adult"
        ? {
            birthDate: `19${int(random, 60, 99)}-05-05`,
            sex: "female",
            nationality: from.country.slice(0, 2),
          }
        : kind === "child"
          ? { birthDate: "2012-05-05", sex: "male" }
          : { ageUncertain: true, sex: "female" };
    const consents = (["referral", "assistance", "return", "crossBorderTransfer", "dataSharing"] as const)
      .filter(() => random() < 0.8)
      .map((scope) => ({ scope, given: true, at: now.toISOString() }));
    return { person, consents };
  };
  let ctx = newCtx();
  let snapshot = startCase(from, ctx, now).snapshot;
  for (let i = 0; i < steps; i++) {
    if (snapshot.state.startsWith("closed.")) {
      ctx = newCtx();
      snapshot = startCase(from, ctx, now).snapshot;
    }
    now = new Date(now.getTime() + int(random, 1, 240) * 3_600_000);
    const offered = allowedEvents(from, snapshot, ctx, now).filter((e) => e.blockedBy.length === 0);
    if (offered.length === 0) continue;
    const chosen = pick(random, offered);
    const result = step(
      from,
      snapshot,
      { type: chosen.type, data: dataFor(chosen.dataSchema, random) },
      ctx,
      now,
    );
    if (!result.ok) continue;
    for (const effect of result.effects)
      if (effect.type === "recordConsent") ctx.consents.push(effect.consent);
    snapshot = result.snapshot;
    cases.push({ snapshot, ctx: structuredClone(ctx), at: now });
  }
  return cases;
}

const plans = shippedMigrationPlans();

describe("shipped migration plans", () => {
  it("ships a 1 → 2 plan for each of the seven pathways", () => {
    expect(plans.filter((p) => p.plan.from === 1 && p.plan.to === 2).map((p) => p.plan.country)).toEqual([
      "GH",
      "GN",
      "INTL",
      "ML",
      "NG",
      "SN",
      "VN",
    ]);
  });

  for (const { plan } of plans) {
    const from = pathway(plan.country, plan.from);
    const to = pathway(plan.country, plan.to);
    describe(`${plan.country} ${plan.from} → ${plan.to}`, () => {
      it("is complete and every target is a leaf of the new version", () => {
        expect(validateMigrationPlan(from, to, plan)).toEqual([]);
      });

      it("moves every case of the old version, in every state it reaches, to a state it can go on from", () => {
        const cases = [...scenarioCases(from), ...randomCases(from, 20261202, 1500)];
        const oldStates = new Set<string>();
        const toLeaves = new Set(compile(to).index.leaves);
        for (const c of cases) {
          oldStates.add(c.snapshot.state);
          const migratedAt = new Date(c.at.getTime() + 3_600_000);
          const result = migrate(from, to, plan, c.snapshot, c.ctx, migratedAt);
          if (!result.ok) throw new Error(`${c.snapshot.state}: ${JSON.stringify(result.refusal)}`);
          expect(toLeaves.has(result.to)).toBe(true);
          expect(result.snapshot.facts).toEqual(c.snapshot.facts);
          // An open case stays open and can be moved on in the new version.
          expect(result.to.startsWith("closed."), result.to).toBe(c.snapshot.state.startsWith("closed."));
          if (!result.to.startsWith("closed."))
            expect(allowedEvents(to, result.snapshot, c.ctx, migratedAt).length).toBeGreaterThan(0);
        }
        // Varied: the cases sit in (almost) every open state of the old version.
        const open = compile(from).index.leaves.filter((l) => !l.startsWith("closed."));
        const reached = open.filter((l) => oldStates.has(l));
        expect(cases.length).toBeGreaterThan(500);
        expect(reached.length / open.length).toBeGreaterThanOrEqual(0.8);
      });
    });
  }
});

describe("ML 1 → 2: the shelter stay splits by shelter", () => {
  const [from, to] = [pathway("ML", 1), pathway("ML", 2)];
  const plan = plans.find((p) => p.plan.country === "ML")!.plan as MigrationPlan;
  const inShelter = (shelter: string): CaseSnapshot => ({
    state: "shelter.stay",
    facts: { shelter, reasonableGroundsAt: "2026-03-01T10:00:00.000Z" },
    enteredAt: { shelter: "2026-03-01T10:00:00.000Z", "shelter.stay": "2026-03-01T12:00:00.000Z" },
  });
  const ctx: CaseContext = { person: { birthDate: "1990-01-01" }, consents: [] };
  const at = new Date("2026-03-10T09:00:00Z");

  it("a case admitted to Direy Ben goes to shelter.direyBen, one admitted to AJDM to shelter.ajdm", () => {
    const gao = migrate(from, to, plan, inShelter("direyBenGao"), ctx, at);
    const bamako = migrate(from, to, plan, inShelter("ajdmBamako"), ctx, at);
    expect(gao.ok && gao.to).toBe("shelter.direyBen");
    expect(bamako.ok && bamako.to).toBe("shelter.ajdm");
    // The shelter stage existed before: its entry time (and the reflection deadline) is kept.
    expect(gao.ok && gao.snapshot.enteredAt.shelter).toBe("2026-03-01T10:00:00.000Z");
  });
});
