import { formatPath } from "../../problem.ts";
import { PERSON_ATTRIBUTES } from "../../stages.ts";
import { type DefinitionPath, walkConditions, walkTasks, walkTransitions } from "../../tree.ts";
import { eventSpec, knownFacts } from "../events.ts";
import type { LintProblem } from "../lint-problem.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "unknown-field";

/**
 * A read of something that will never be there: `data.x` the event does not declare, `facts.x` that
 * no transition records or stamps, `person.x` the server never passes; likewise `record`, the
 * `elapsed.since` of a guard and a task's `anchor`. Such a guard would silently never hold.
 */
export const unknownField: LintRule = {
  id,
  summary:
    "a guard, `record`, `elapsed.since` or task `anchor` reading `data.x` the event does not declare, `facts.x` never recorded or stamped, or `person.x` not a person attribute",
  check(pathway) {
    const facts = knownFacts(pathway);
    const people: readonly string[] = PERSON_ATTRIBUTES;
    const problems: LintProblem[] = [];
    const report = (at: DefinitionPath, message: string) =>
      problems.push({ rule: id, path: formatPath(at), message });

    for (const { event, transition, at } of walkTransitions(pathway)) {
      const spec = eventSpec(pathway, event);
      // An undeclared event is `unknown-event`'s; its fields cannot be judged.
      if (!spec) continue;
      const read = (fieldPath: string, where: DefinitionPath) => {
        const [scope, name = ""] = fieldPath.split(".");
        if (scope === "data" && !Object.hasOwn(spec.data, name))
          report(where, `event ${event} has no data field '${name}'`);
        if (scope === "facts" && !facts.has(name))
          report(where, `no transition records or stamps fact '${name}'`);
        if (scope === "person" && !people.includes(name)) {
          report(where, `'${name}' is not a person attribute (${PERSON_ATTRIBUTES.join(", ")})`);
        }
      };
      if (transition.guard) {
        for (const { condition, at: cAt } of walkConditions(transition.guard, [...at, "guard"])) {
          if ("field" in condition) read(condition.field, [...cAt, "field"]);
          if ("elapsed" in condition) read(condition.elapsed.since, [...cAt, "elapsed", "since"]);
        }
      }
      (transition.record ?? []).forEach((name, i) => {
        if (!Object.hasOwn(spec.data, name))
          report([...at, "record", i], `event ${event} has no data field '${name}' to record`);
      });
    }
    for (const { task, at } of walkTasks(pathway)) {
      const fact = task.anchor?.slice("facts.".length);
      if (fact !== undefined && !facts.has(fact))
        report([...at, "anchor"], `no transition records or stamps fact '${fact}'`);
    }
    return problems;
  },
};
