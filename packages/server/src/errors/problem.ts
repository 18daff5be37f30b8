/**
 * RFC 9457 problem details. Routes throw `ApiProblem`; the error handler renders it as
 * `application/problem+json`. Details and extensions never carry personal data: they name fields,
 * states and events, never values a person typed.
 */
import { z } from "zod";
import { ERROR_CATALOG, type ErrorCode, problemType } from "./catalog.ts";

export class ApiProblem extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly extensions: Record<string, unknown>;

  constructor(code: ErrorCode, detail?: string, extensions: Record<string, unknown> = {}) {
    super(detail ?? ERROR_CATALOG[code].title);
    this.name = "ApiProblem";
    this.code = code;
    this.status = ERROR_CATALOG[code].status;
    this.extensions = extensions;
  }
}

/** The problem body (for response schemas and OpenAPI). Extensions pass through. */
export const Problem = z
  .looseObject({
    type: z.string().describe("URI of the problem type: the code's section of docs/errors.md"),
    title: z.string().describe("Short summary of the problem type"),
    status: z.number().int().describe("HTTP status code"),
    detail: z.string().describe("What went wrong in this request (no personal data)"),
    code: z.string().describe("Stable machine-readable code from the error catalog, PASSERELLE_…"),
    instance: z.string().optional().describe("Request id: find it in the server logs"),
  })
  .describe("RFC 9457 problem details");
export type Problem = z.infer<typeof Problem>;

export function toProblemBody(problem: ApiProblem, requestId?: string): Problem {
  const entry = ERROR_CATALOG[problem.code];
  return {
    type: problemType(problem.code),
    title: entry.title,
    status: entry.status,
    detail: problem.message,
    code: problem.code,
    ...(requestId ? { instance: `urn:passerelle:request:${requestId}` } : {}),
    ...problem.extensions,
  };
}
