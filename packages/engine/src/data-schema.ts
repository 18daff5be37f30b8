/**
 * Each event's `data` as a JSON Schema (draft 2020-12): what clients see in `allowedEvents`, and what
 * every event is validated against before any guard runs. Unknown properties are refused, so a
 * misspelt field is an error rather than silently dropped.
 */
import type { EventSpec, FieldSpec, LocalizedText } from "@passerelle/definitions";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import type { DataIssue } from "./types.ts";

export type JsonSchema = Record<string, unknown>;

function text(label: LocalizedText | undefined, language: string): string | undefined {
  if (!label) return undefined;
  return label[language] ?? Object.values(label)[0];
}

function fieldSchema(field: FieldSpec, language: string): JsonSchema {
  const annotations: JsonSchema = { title: text(field.label, language) };
  const description = text(field.description, language);
  if (description) annotations.description = description;
  if (field.personal || field.type === "text") annotations["x-personal"] = true;
  const bounds: JsonSchema = {};
  if (field.min !== undefined) bounds.minimum = field.min;
  if (field.max !== undefined) bounds.maximum = field.max;
  if (field.maxLength !== undefined) bounds.maxLength = field.maxLength;
  switch (field.type) {
    case "string":
    case "text":
      return { type: "string", minLength: 1, ...bounds, ...annotations };
    case "boolean":
      return { type: "boolean", ...annotations };
    case "integer":
      return { type: "integer", ...bounds, ...annotations };
    case "number":
      return { type: "number", ...bounds, ...annotations };
    case "date":
      return { type: "string", format: "date", ...annotations };
    case "datetime":
      return { type: "string", format: "date-time", ...annotations };
    case "enum":
      return { type: "string", enum: field.values ?? [], ...annotations };
    case "enumList":
      return {
        type: "array",
        items: { type: "string", enum: field.values ?? [] },
        uniqueItems: true,
        ...annotations,
      };
  }
}

/** The JSON Schema of an event's data, labels in `language` (falling back to the first given). */
export function eventDataSchema(spec: Pick<EventSpec, "data">, language: string): JsonSchema {
  const fields = Object.entries(spec.data ?? {}) as [string, FieldSpec][];
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    type: "object",
    properties: Object.fromEntries(fields.map(([name, field]) => [name, fieldSchema(field, language)])),
    required: fields.filter(([, field]) => field.required).map(([name]) => name),
    additionalProperties: false,
  };
}

/** One validator instance for the process: compiled validators are cached by the callers, per event. */
const ajv = new Ajv2020({ allErrors: true, strict: true, keywords: ["x-personal"] });
addFormats.default(ajv, ["date", "date-time"]);

export function compileValidator(schema: JsonSchema): ValidateFunction {
  return ajv.compile(schema);
}

/**
 * Turns ajv errors into issues whose path is the JSON pointer of the offending field (for a missing
 * or unknown property, the property itself rather than its parent). Messages never quote values.
 */
export function toIssues(errors: ErrorObject[] | null | undefined): DataIssue[] {
  return (errors ?? []).map((error) => {
    if (error.keyword === "required") {
      return { path: `${error.instancePath}/${error.params.missingProperty}`, message: "is required" };
    }
    if (error.keyword === "additionalProperties") {
      return {
        path: `${error.instancePath}/${error.params.additionalProperty}`,
        message: "is not a field of this event",
      };
    }
    return { path: error.instancePath || "/", message: error.message ?? "is invalid" };
  });
}
