import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { migrate, validateMigrationPlan } from "./migrate.ts";
import { startCase, step } from "./step.ts";
import { FIXTURES_DIR, readYaml, tiny } from "./testing/load.ts";
import type { CaseContext, MigrationPlan, StepResult, StepSuccess } from "./types.ts";

const v1 = tiny(1);
const v2 = tiny(2);
const plan = readYaml<MigrationPlan>(join(FIXTURES_DIR, "migrations", "tiny-1-to-2.yaml"));
const ctx: CaseContext = {
  person: { birthDate: "1990-01-01" },
  consents: [{ scope: "referral", given: true, at: "2026-03-01T00:00:00Z" }],
};
const t0 = new Date("2026-03-02T09:00:00Z");
const t1 = new Date("2026-03-03T09:00:00Z");
const migratedAt = new Date("2026-03-05T12:00:00Z");

function ok(result: StepResult): StepSuccess {
  if (!result.ok) throw new Error(`refused: ${JSON.stringify(result.refusal)}`);
  return result;
}

describe("validateMigrationPlan", () => {
  it("accepts the shipped fixture plan", () => {
    expect(validateMigrationPlan(v1, v2, plan)).toEqual([]);
  });

  it("reports every unmapped state, unknown state, non-leaf target and version mismatch", () => {
    const { "screening.reflection": _dropped, ...rest } = plan.states;
    const broken: MigrationPlan = {
      country: "ZZ",
      from: 1,
      to: 3,
      states: { ...rest, "shelter.stay": "shelter", "screening.nowhere": "identification.intake" },
    };
    expect(validateMigrationPlan(v1, v2, broken)).toEqual([
      { path: "to", message: "plan migrates to version 3, pathway is version 2" },
      {
        path: "states.screening.reflection",
        message: "state 'screening.reflection' of version 1 is not mapped",
      },
      { path: "states.shelter.stay", message: "target 'shelter' is not a leaf state of version 2" },
      { path: "states.screening.nowhere", message: "'screening.nowhere' is not a leaf state of version 1" },
    ]);
  });

  it("refuses plans across countries", () => {
    const other = { ...v2, country: "YY" };
    expect(validateMigrationPlan(v1, other, { ...plan, country: "YY" }).map((p) => p.path)).toEqual([
      "country",
      "country",
    ]);
  });
});

describe("validateMigrationPlan: conditional targets and closed outcomes", () => {
  it("refuses an open state mapped to a closed outcome", () => {
    const broken: MigrationPlan = {
      ...plan,
      states: { ...plan.states, "shelter.stay": "closed.reintegrated" },
    };
    expect(validateMigrationPlan(v1, v2, broken)).toEqual([
      {
        path: "states.shelter.stay",
        message: "open state 'shelter.stay' may not be mapped to the closed outcome 'closed.reintegrated'",
      },
    ]);
  });

  it("requires conditions on every target but the last, and none on the last", () => {
    const when = { field: "facts.x", op: "exists" } as const;
    const broken: MigrationPlan = {
      ...plan,
      states: {
        ...plan.states,
        "shelter.stay": [{ to: "shelter.stay" }, { to: "assistance.plan", when }],
        "return.travel": [{ to: "return.travel", when }, { to: "nowhere" }],
      },
    };
    expect(validateMigrationPlan(v1, v2, broken)).toEqual([
      {
        path: "states.shelter.stay[0]",
        message: "only the last target may be unconditional: the ones after it are never taken",
      },
      {
        path: "states.shelter.stay[1]",
        message: "the last target has no condition, so that every case has one",
      },
      { path: "states.return.travel[1]", message: "target 'nowhere' is not a leaf state of version 2" },
    ]);
  });

  it("takes the first target whose condition holds on the case's facts", () => {
    const conditional: MigrationPlan = {
      ...plan,
      states: {
        ...plan.states,
        "screening.reasonableGrounds": [
          {
            to: "screening.childAssessment",
            when: { field: "facts.outcome", op: "eq", value: "trafficking" },
          },
          { to: "screening.rgDecision" },
        ],
      },
    };
    expect(validateMigrationPlan(v1, v2, conditional)).toEqual([]);
    const started = startCase(v1, ctx, t0);
    const snapshot = ok(
      step(v1, started.snapshot, { type: "SCREENING_COMPLETED", data: { outcome: "trafficking" } }, ctx, t1),
    ).snapshot;
    expect(ok(migrate(v1, v2, conditional, snapshot, ctx, migratedAt)).to).toBe("screening.childAssessment");
    const other = { ...snapshot, facts: { ...snapshot.facts, outcome: "other" } };
    expect(ok(migrate(v1, v2, conditional, other, ctx, migratedAt)).to).toBe("screening.rgDecision");
  });
});

describe("migrate", () => {
  const inReasonableGrounds = () => {
    const started = startCase(v1, ctx, t0);
    return ok(
      step(v1, started.snapshot, { type: "SCREENING_COMPLETED", data: { outcome: "trafficking" } }, ctx, t1),
    ).snapshot;
  };

  it("refuses an incomplete plan and changes nothing", () => {
    const snapshot = inReasonableGrounds();
    const copy = structuredClone(snapshot);
    const { "screening.reasonableGrounds": _dropped, ...states } = plan.states;
    const result = migrate(v1, v2, { ...plan, states }, snapshot, ctx, migratedAt);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.refusal.kind).toBe("migrationRefused");
      expect(result.refusal.kind === "migrationRefused" && result.refusal.problems).toEqual([
        {
          path: "states.screening.reasonableGrounds",
          message: "state 'screening.reasonableGrounds' of version 1 is not mapped",
        },
      ]);
    }
    expect(snapshot).toEqual(copy);
  });

  it("moves a case with open tasks: cancels the old state's, schedules the new one's, keeps facts", () => {
    const snapshot = inReasonableGrounds();
    const result = ok(migrate(v1, v2, plan, snapshot, ctx, migratedAt));
    expect(result.from).toBe("screening.reasonableGrounds");
    expect(result.to).toBe("screening.rgDecision");
    expect(result.snapshot.facts).toEqual(snapshot.facts);
    // `screening` is active in both versions and keeps its entry time; the renamed leaf is new.
    expect(result.snapshot.enteredAt).toEqual({
      screening: t1.toISOString(),
      "screening.rgDecision": migratedAt.toISOString(),
    });
    expect(
      result.effects.map((e) =>
        e.type === "scheduleTask"
          ? `schedule ${e.task.key} ${e.task.due}`
          : `${e.type} ${"state" in e ? e.state : ""}`,
      ),
    ).toEqual([
      "cancelTasks screening.reasonableGrounds",
      "cancelTasks screening",
      // 5 working days from Thursday 5 March: Fri 6, Mon 9 … Thu 12.
      "schedule screening.rgDecision/rg-decision#1 2026-03-12T12:00:00.000Z",
    ]);
    // The migrated case steps on under version 2.
    const next = ok(
      step(v2, result.snapshot, { type: "RG_DECISION", data: { decision: "positive" } }, ctx, migratedAt),
    );
    expect(next.to).toBe("screening.reflection");
  });

  it("reschedules a kept state's tasks under the new version from the original entry", () => {
    const child: CaseContext = { person: { ageUncertain: true }, consents: [] };
    const assessed = ok(
      step(
        v1,
        startCase(v1, child, t0).snapshot,
        { type: "SCREENING_COMPLETED", data: { outcome: "trafficking" } },
        child,
        t1,
      ),
    );
    const inShelter = ok(
      step(v1, assessed.snapshot, { type: "CHILD_ASSESSED", data: { placement: "shelter" } }, child, t1),
    );
    const result = ok(migrate(v1, v2, plan, inShelter.snapshot, child, migratedAt));
    expect(result.snapshot.enteredAt).toEqual(inShelter.snapshot.enteredAt);
    const scheduled = result.effects.flatMap((e) =>
      e.type === "scheduleTask" ? [`${e.task.key} ${e.task.due}`] : [],
    );
    expect(scheduled).toEqual([
      "shelter.stay/shelter-review#1 2026-03-10T09:00:00.000Z",
      "shelter.stay/shelter-review#2 2026-03-17T09:00:00.000Z",
      "shelter.stay/shelter-review#3 2026-03-24T09:00:00.000Z",
      "shelter.stay/shelter-review#4 2026-03-31T08:00:00.000Z",
    ]);
    expect(result.effects.filter((e) => e.type === "notify")).toEqual([]);
  });

  it("keeps a closed case's outcome without a mapping", () => {
    const closed = {
      state: "closed.deceased",
      facts: { outcome: "trafficking" },
      enteredAt: { closed: t1.toISOString(), "closed.deceased": t1.toISOString() },
    };
    const result = ok(migrate(v1, v2, plan, closed, ctx, migratedAt));
    expect(result.to).toBe("closed.deceased");
    expect(result.outcome).toBe("deceased");
    expect(result.snapshot.enteredAt).toEqual(closed.enteredAt);
  });
});
