/** The rjsf validator without eval: errors land on the right field, with the message of their keyword. */
import { describe, expect, it } from "vitest";
import { schemaValidator } from "./schema-validator.ts";

const schema = {
  $schema: "https://json-schema.org/draft/2020-12/schema",
  type: "object",
  properties: {
    outcome: { type: "string", enum: ["trafficking", "smuggling"] },
    services: { type: "array", items: { type: "string", enum: ["medical", "legal"] }, uniqueItems: true },
    visitDate: { type: "string", format: "date" },
    notes: { type: "string", minLength: 1, "x-personal": true },
  },
  required: ["outcome"],
  additionalProperties: false,
} as const;

const validator = schemaValidator((keyword) => `msg:${keyword}`);

describe("schema validator for generated forms", () => {
  it("accepts valid data", () => {
    const result = validator.validateFormData(
      { outcome: "trafficking", services: ["medical"] },
      schema as never,
    );
    expect(result.errors).toEqual([]);
  });

  it("puts each error on its field", () => {
    const result = validator.validateFormData(
      { services: ["medical", "cooking"], visitDate: "02/12/2026", notes: "" },
      schema as never,
    );
    const byProperty = Object.fromEntries(result.errors.map((e) => [e.property, e.message]));
    expect(byProperty).toMatchObject({
      ".outcome": "msg:required",
      ".services.1": "msg:enum",
      ".visitDate": "msg:format",
      ".notes": "msg:minLength",
    });
    expect(result.errorSchema).toMatchObject({ outcome: { __errors: ["msg:required"] } });
  });

  it("answers isValid", () => {
    expect(validator.isValid(schema as never, { outcome: "smuggling" }, schema as never)).toBe(true);
    expect(validator.isValid(schema as never, { outcome: "other" }, schema as never)).toBe(false);
  });
});
