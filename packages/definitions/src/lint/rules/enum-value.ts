import type { FieldSpec } from "../../field.ts";
import type { Pathway } from "../../pathway.ts";
import { formatPath } from "../../problem.ts";
import { walkConditions, walkTransitions } from "../../tree.ts";
import { eventSpec, factSources } from "../events.ts";
import type { LintProblem } from "../lint-problem.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "enum-value";

/** The values a field may hold, when it is an enum (for a fact: every field it is recorded from). */
function allowedValues(pathway: Pathway, event: string, fieldPath: string): Set<string> | undefined {
  const [scope, name = ""] = fieldPath.split(".");
  let specs: (FieldSpec | undefined)[] = [];
  if (scope === "data") specs = [eventSpec(pathway, event)?.data[name]];
  if (scope === "facts") specs = factSources(pathway, name);
  if (specs.length === 0 || !specs.every((s) => s?.values !== undefined)) return undefined;
  return new Set(specs.flatMap((s) => s?.values ?? []));
}

/** A comparison on an enum field with a value the field can never hold: a typo the guard hides. */
export const enumValue: LintRule = {
  id,
  summary: "a comparison on an enum field with a value not among its `values`",
  check(pathway) {
    const problems: LintProblem[] = [];
    for (const { event, transition, at } of walkTransitions(pathway)) {
      if (!transition.guard) continue;
      for (const { condition, at: cAt } of walkConditions(transition.guard, [...at, "guard"])) {
        if (!("field" in condition) || condition.value === undefined) continue;
        const allowed = allowedValues(pathway, event, condition.field);
        if (!allowed) continue;
        const values = Array.isArray(condition.value)
          ? condition.value.map((v, i) => ({ v, i }))
          : [{ v: condition.value, i: undefined }];
        for (const { v, i } of values) {
          if (allowed.has(String(v)) && typeof v === "string") continue;
          problems.push({
            rule: id,
            path: formatPath(i === undefined ? [...cAt, "value"] : [...cAt, "value", i]),
            message: `${condition.field} is never '${String(v)}'; its values are ${[...allowed].join(", ")}`,
          });
        }
      }
    }
    return problems;
  },
};
