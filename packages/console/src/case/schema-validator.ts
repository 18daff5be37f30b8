/**
 * The validator rjsf uses, on @cfworker/json-schema instead of Ajv. Ajv compiles each schema into
 * JavaScript with `new Function`, which the console's Content-Security-Policy forbids (no
 * 'unsafe-eval'); @cfworker/json-schema interprets the schema (2020-12, formats included). The
 * adapter is hand-written because rjsf ships only Ajv-based validators; it turns the validator's
 * output units into rjsf's error list and error schema, with messages in the user's language.
 */
import { type OutputUnit, type Schema, Validator } from "@cfworker/json-schema";
import {
  type ErrorSchema,
  type RJSFSchema,
  type RJSFValidationError,
  toErrorSchema,
  type ValidationData,
  type ValidatorType,
} from "@rjsf/utils";

/** Keywords that only summarise errors of their children (reported on their own). */
const SUMMARY_KEYWORDS = new Set(["properties", "items", "prefixItems", "allOf", "$ref", "$dynamicRef"]);

export type Messages = (keyword: string) => string;

function toProperty(unit: OutputUnit): { property: string; keyword: string } {
  const path = unit.instanceLocation
    .replace(/^#/, "")
    .split("/")
    .filter(Boolean)
    .map((segment) => decodeURIComponent(segment.replace(/~1/g, "/").replace(/~0/g, "~")));
  if (unit.keyword === "required") {
    const missing = /"([^"]+)"/.exec(unit.error)?.[1];
    if (missing) path.push(missing);
  }
  return { property: path.length ? `.${path.join(".")}` : "", keyword: unit.keyword };
}

export function schemaValidator(messages: Messages): ValidatorType {
  const cache = new WeakMap<object, Validator>();
  const validatorFor = (schema: RJSFSchema) => {
    let found = cache.get(schema);
    if (!found) {
      found = new Validator(schema as Schema, "2020-12", false);
      cache.set(schema, found);
    }
    return found;
  };

  function errorsOf(schema: RJSFSchema, formData: unknown): RJSFValidationError[] {
    const result = validatorFor(schema).validate(formData ?? {});
    if (result.valid) return [];
    const seen = new Set<string>();
    const errors: RJSFValidationError[] = [];
    for (const unit of result.errors) {
      if (SUMMARY_KEYWORDS.has(unit.keyword)) continue;
      const { property, keyword } = toProperty(unit);
      const message = messages(keyword);
      const key = `${property} ${message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      errors.push({
        name: keyword,
        property,
        message,
        stack: `${property} ${message}`.trim(),
        schemaPath: unit.keywordLocation,
      });
    }
    return errors;
  }

  return {
    validateFormData(formData, schema): ValidationData<unknown> {
      const errors = errorsOf(schema, formData);
      return { errors, errorSchema: toErrorSchema(errors) as ErrorSchema<unknown> };
    },
    isValid(schema, formData) {
      return validatorFor(schema).validate(formData).valid;
    },
    rawValidation<Result = unknown>(schema: RJSFSchema, formData?: unknown) {
      const result = validatorFor(schema).validate(formData);
      return { errors: result.errors as unknown as Result[] };
    },
  };
}
