/**
 * The OpenAPI document as independent tools read it: client generators build their code from it, so
 * it must pass a validator that is not ours and a linter's recommended rules, and say the truth about
 * which operations need a token and what content type errors come in.
 */
import { readFileSync } from "node:fs";
import SwaggerParser from "@apidevtools/swagger-parser";
import { createConfig, lintFromString } from "@redocly/openapi-core";
import type { OpenAPIV3_1 } from "openapi-types";
import { describe, expect, it } from "vitest";
import { OPENAPI_FILE } from "./openapi.ts";

const text = readFileSync(OPENAPI_FILE, "utf8");
const document = () => JSON.parse(text) as OpenAPIV3_1.Document;
const METHODS = ["get", "put", "post", "delete", "patch", "head", "options"] as const;

function operations(doc: OpenAPIV3_1.Document) {
  return Object.entries(doc.paths ?? {}).flatMap(([path, item]) =>
    METHODS.flatMap((method) => {
      const operation = item?.[method];
      return operation ? [{ key: `${method.toUpperCase()} ${path}`, operation }] : [];
    }),
  );
}

describe("the OpenAPI document (docs/api/openapi.json)", () => {
  it("passes @apidevtools/swagger-parser's validation", async () => {
    await expect(SwaggerParser.validate(document())).resolves.toBeDefined();
  });

  it("has no error under Redocly's recommended rules", { timeout: 30_000 }, async () => {
    const config = await createConfig({ extends: ["recommended"] });
    const problems = await lintFromString({ source: text, absoluteRef: OPENAPI_FILE, config });
    const errors = problems
      .filter((p) => p.severity === "error")
      .map((p) => `${p.ruleId}: ${p.message} at ${p.location[0]?.pointer}`);
    expect(errors).toEqual([]);
  });

  it("names every operation (operationId, unique), from which generated clients name their methods", () => {
    const ids = operations(document()).map(({ key, operation }) => operation.operationId ?? `(none: ${key})`);
    expect(ids.filter((id) => id.startsWith("(none"))).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("/health and POST /v1/auth/login need no token; every other operation does", () => {
    const doc = document();
    expect(doc.security).toEqual([{ bearer: [] }]);
    for (const { key, operation } of operations(doc)) {
      if (key === "GET /health" || key === "POST /v1/auth/login") expect(operation.security, key).toEqual([]);
      else expect(operation.security, key).toBeUndefined();
    }
  });

  it("declares error answers as application/problem+json, successes as application/json", () => {
    for (const { key, operation } of operations(document())) {
      for (const [status, response] of Object.entries(operation.responses ?? {})) {
        const types = Object.keys((response as OpenAPIV3_1.ResponseObject).content ?? {});
        if (Number(status) >= 400) expect(types, `${key} ${status}`).toEqual(["application/problem+json"]);
        else if (types.length > 0)
          expect(types, `${key} ${status}`).not.toContain("application/problem+json");
      }
    }
  });
});
