import { formatPath } from "../../problem.ts";
import type { LintProblem } from "../lint-problem.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "nul-character";

/**
 * A NUL character in any text or key of the pathway. No label, id or description needs one, and
 * PostgreSQL text cannot hold one: a server on PostgreSQL could not store such a version, while one
 * on SQLite would serve it. Every string and key is walked, wherever it sits.
 */
export const nulCharacter: LintRule = {
  id,
  summary: "a NUL character in a text or a key (PostgreSQL cannot store it)",
  check(pathway) {
    const problems: LintProblem[] = [];
    const walk = (value: unknown, at: (string | number)[]): void => {
      if (typeof value === "string") {
        if (value.includes("\0"))
          problems.push({ rule: id, path: formatPath(at), message: "holds a NUL character" });
      } else if (Array.isArray(value)) {
        for (const [i, item] of value.entries()) walk(item, [...at, i]);
      } else if (typeof value === "object" && value !== null)
        for (const [key, item] of Object.entries(value)) {
          if (key.includes("\0"))
            problems.push({
              rule: id,
              path: formatPath([...at, key]),
              message: "its key holds a NUL character",
            });
          walk(item, [...at, key]);
        }
    };
    walk(pathway, []);
    return problems;
  },
};
