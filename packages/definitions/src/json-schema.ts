import { z } from "zod";
import { Assignee } from "./assignee.ts";
import { Condition } from "./condition.ts";
import { Duration } from "./duration.ts";
import { EventSpec } from "./event.ts";
import { FieldSpec } from "./field.ts";
import { HolidayCalendar } from "./holiday-calendar.ts";
import { LocalizedText } from "./localized-text.ts";
import { MigrationPlan } from "./migration-plan.ts";
import { Pathway } from "./pathway.ts";
import { StateNode } from "./state.ts";
import { TaskSpec } from "./task.ts";
import { Transition, TransitionList } from "./transition.ts";

/**
 * Schemas that become named `$defs`: the recursive ones (which must be referenced) and the ones used
 * in many places (so that editors show one name and the file stays readable).
 */
const NAMED = new Map<z.core.$ZodType, string>([
  [StateNode, "StateNode"],
  [Condition, "Condition"],
  [Transition, "Transition"],
  [TransitionList, "TransitionList"],
  [TaskSpec, "TaskSpec"],
  [EventSpec, "EventSpec"],
  [FieldSpec, "FieldSpec"],
  [LocalizedText, "LocalizedText"],
  [Duration, "Duration"],
  [Assignee, "Assignee"],
]);

/**
 * The metadata zod reads while converting: descriptions from the global registry (where
 * `.describe()` puts them), plus the `$defs` names above. Kept local so that importing this module
 * does not rename anything in other conversions (such as the engine's event data schemas).
 */
const metadata = {
  get(schema: z.core.$ZodType) {
    const meta = z.globalRegistry.get(schema);
    const id = NAMED.get(schema);
    return id === undefined ? meta : { ...meta, id };
  },
} as unknown as z.core.$ZodRegistry<z.core.GlobalMeta>;

/**
 * The JSON Schema (draft 2020-12) of a pathway file as authors write it (`io: "input"`: fields with
 * defaults are optional), with every description, for editors and for other languages' tooling.
 * Rules the schema cannot express (cross-references, `initial` naming a child) are checked by zod and
 * lint; the schema is what an editor can check while typing.
 */
export function pathwayJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(Pathway, { io: "input", target: "draft-2020-12", metadata });
  const { $schema, ...rest } = schema as Record<string, unknown>;
  return {
    $schema,
    title: "Passerelle pathway definition",
    ...rest,
  };
}

/** The file as committed: two-space JSON with a final newline. */
export const pathwayJsonSchemaText = (): string => `${JSON.stringify(pathwayJsonSchema(), null, 2)}\n`;

/** JSON Schema of a holiday calendar file (`calendars/<COUNTRY>/<year>.yaml`), for editors. */
export function calendarJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(HolidayCalendar, {
    io: "input",
    target: "draft-2020-12",
  }) as Record<string, unknown>;
  return { $schema, title: "Passerelle public-holiday calendar", ...rest };
}

/** JSON Schema of a migration plan file (`pathways/<COUNTRY>/migrations/<from>-to-<to>.yaml`), for editors. */
export function migrationPlanJsonSchema(): Record<string, unknown> {
  const { $schema, ...rest } = z.toJSONSchema(MigrationPlan, {
    io: "input",
    target: "draft-2020-12",
    metadata,
  }) as Record<string, unknown>;
  return { $schema, title: "Passerelle migration plan", ...rest };
}

/** The companion schema files as committed, by file name beside pathway.schema.json. */
export const companionJsonSchemaTexts = (): Record<string, string> => ({
  "calendar.schema.json": `${JSON.stringify(calendarJsonSchema(), null, 2)}\n`,
  "migration-plan.schema.json": `${JSON.stringify(migrationPlanJsonSchema(), null, 2)}\n`,
});
