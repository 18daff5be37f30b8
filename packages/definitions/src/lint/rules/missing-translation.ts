import type { LocalizedText } from "../../localized-text.ts";
import type { Pathway } from "../../pathway.ts";
import { formatPath } from "../../problem.ts";
import { type DefinitionPath, walkStates, walkTasks, walkTransitions } from "../../tree.ts";
import type { LintRule } from "../lint-rule.ts";

const id = "missing-translation";

/** Every text of the pathway a person reads, with its path. */
function texts(pathway: Pathway): { text: LocalizedText | undefined; at: DefinitionPath }[] {
  const out: { text: LocalizedText | undefined; at: DefinitionPath }[] = [
    { text: pathway.title, at: ["title"] },
    { text: pathway.summary, at: ["summary"] },
  ];
  for (const [i, agency] of pathway.agencies.entries())
    out.push({ text: agency.name, at: ["agencies", i, "name"] });
  for (const [event, spec] of Object.entries(pathway.events)) {
    out.push(
      { text: spec.label, at: ["events", event, "label"] },
      { text: spec.description, at: ["events", event, "description"] },
    );
    for (const [name, field] of Object.entries(spec.data)) {
      const at = ["events", event, "data", name];
      out.push(
        { text: field.label, at: [...at, "label"] },
        { text: field.description, at: [...at, "description"] },
      );
      for (const [value, label] of Object.entries(field.valueLabels ?? {}))
        out.push({ text: label, at: [...at, "valueLabels", value] });
    }
  }
  for (const state of walkStates(pathway)) {
    out.push(
      { text: state.node.label, at: [...state.at, "label"] },
      { text: state.node.description, at: [...state.at, "description"] },
    );
  }
  for (const { transition, at } of walkTransitions(pathway))
    out.push({ text: transition.description, at: [...at, "description"] });
  for (const { task, at } of walkTasks(pathway)) out.push({ text: task.label, at: [...at, "label"] });
  return out;
}

/** A text lacking one of the pathway's `languages`, or given in a language the pathway does not list. */
export const missingTranslation: LintRule = {
  id,
  summary:
    "a label, description, value label or title lacking a language of `languages`, or in a language not listed",
  check(pathway) {
    return texts(pathway).flatMap(({ text, at }) => {
      if (text === undefined) return [];
      const missing = pathway.languages.filter((lang) => !Object.hasOwn(text, lang));
      const extra = Object.keys(text).filter((lang) => !pathway.languages.includes(lang));
      if (missing.length === 0 && extra.length === 0) return [];
      const parts = [
        ...(missing.length ? [`missing ${missing.join(", ")}`] : []),
        ...(extra.length ? [`${extra.join(", ")} not in languages (${pathway.languages.join(", ")})`] : []),
      ];
      return [{ rule: id, path: formatPath(at), message: parts.join("; ") }];
    });
  },
};
