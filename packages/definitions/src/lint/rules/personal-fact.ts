import { formatPath } from "../../problem.ts";
import { walkTransitions } from "../../tree.ts";
import { eventSpec } from "../events.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "personal-fact";

/**
 * Recording a personal (or free `text`) field into the case facts. Facts are not encrypted and reach
 * the engine, reports and logs; personal data must stay in the encrypted event data.
 */
export const personalFact: LintRule = {
  id,
  summary: "`record` copying a personal or `text` field into the case facts, which are not encrypted",
  check(pathway) {
    return walkTransitions(pathway).flatMap(({ event, transition, at }) =>
      (transition.record ?? []).flatMap((name, i) => {
        const field = eventSpec(pathway, event)?.data[name];
        if (!field || (!field.personal && field.type !== "text")) return [];
        return [
          {
            rule: id,
            path: formatPath([...at, "record", i]),
            message: `'${name}' is personal data (${field.type === "text" ? "free text" : "personal: true"}) and must not be copied into facts`,
          },
        ];
      }),
    );
  },
};
