import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { z } from "zod";
import { Condition } from "./condition.ts";
import { readSource } from "./parse.ts";
import { CountryCode } from "./pathway.ts";
import type { Problem } from "./problem.ts";
import { formatPath } from "./problem.ts";
import { PATHWAYS_DIR } from "./shipped.ts";

/** One possible target of a state: the first whose `when` holds on the case is taken. */
export const MigrationTarget = z
  .object({
    to: z.string().min(1).describe("Leaf state of the new version"),
    when: Condition.optional().describe(
      "Condition on the case (facts, person; no event data): this target is taken when it holds. The last target has none",
    ),
    description: z.string().optional().describe("Why cases go there"),
  })
  .strict();
export type MigrationTarget = z.infer<typeof MigrationTarget>;

/**
 * How running cases move from one version of a country's pathway to the next: every open leaf
 * state of `from` mapped to a leaf of `to`, directly or through conditions on the case's facts.
 * Data only; the engine validates it against both versions and applies it all or nothing.
 */
export const MigrationPlan = z
  .object({
    $schema: z.string().optional(),
    country: CountryCode,
    from: z.int().min(1).describe("Version the cases are on"),
    to: z.int().min(2).describe("Version they move to"),
    description: z.string().optional().describe("What changes for running cases, in a sentence or two"),
    states: z
      .record(z.string(), z.union([z.string(), z.array(MigrationTarget).min(1)]))
      .describe("Every open leaf state of `from` → a leaf of `to`, or a list of conditional targets"),
  })
  .strict()
  .superRefine((plan, ctx) => {
    if (plan.to <= plan.from)
      ctx.addIssue({ code: "custom", path: ["to"], message: "a plan migrates to a later version" });
  });
export type MigrationPlan = z.infer<typeof MigrationPlan>;

export type MigrationPlanResult = { ok: true; plan: MigrationPlan } | { ok: false; problems: Problem[] };

/** Parses and validates a plan (YAML or JSON text). */
export function parseMigrationPlan(text: string): MigrationPlanResult {
  const source = readSource(text, "yaml");
  if (!source.ok) return { ok: false, problems: source.problems };
  const result = MigrationPlan.safeParse(source.source.raw);
  if (result.success) return { ok: true, plan: result.data };
  return {
    ok: false,
    problems: result.error.issues.map((issue) => ({
      path: formatPath(issue.path),
      message: issue.message,
      ...source.source.locate(issue.path),
    })),
  };
}

const PLAN_FILE = /^([1-9][0-9]*)-to-([1-9][0-9]*)\.yaml$/;

/** A shipped plan with the file it was read from. */
export interface ShippedMigrationPlan {
  file: string;
  plan: MigrationPlan;
}

/**
 * Every plan shipped as `pathways/<COUNTRY>/migrations/<from>-to-<to>.yaml`, sorted. Throws if one
 * is invalid or its path does not say what it contains.
 */
export function shippedMigrationPlans(dir: string = PATHWAYS_DIR): ShippedMigrationPlan[] {
  const out: ShippedMigrationPlan[] = [];
  if (!existsSync(dir)) return out;
  for (const country of readdirSync(dir).sort()) {
    const plans = join(dir, country, "migrations");
    if (!/^([A-Z]{2}|INTL)$/.test(country) || !existsSync(plans)) continue;
    for (const name of readdirSync(plans).sort()) {
      const match = PLAN_FILE.exec(name);
      if (!match) continue;
      const file = join(plans, name);
      const result = parseMigrationPlan(readFileSync(file, "utf8"));
      if (!result.ok) {
        const lines = result.problems.map((p) => `  ${p.path || "(root)"}: ${p.message}`);
        throw new Error(`Migration plan ${file} is invalid:\n${lines.join("\n")}`);
      }
      const { plan } = result;
      if (plan.country !== country || `${plan.from}-to-${plan.to}.yaml` !== basename(file))
        throw new Error(
          `Migration plan ${file} says ${plan.country} ${plan.from}→${plan.to}; its path must be ${plan.country}/migrations/${plan.from}-to-${plan.to}.yaml`,
        );
      out.push({ file, plan });
    }
  }
  return out;
}
