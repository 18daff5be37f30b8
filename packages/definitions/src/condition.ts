import { z } from "zod";
import { Duration } from "./duration.ts";
import { CONSENT_SCOPES } from "./stages.ts";

/**
 * A path a condition reads: `data.<field>` (the event's data), `facts.<fact>` (what earlier events
 * recorded on the case) or `person.<attribute>` (non-identifying person attributes).
 */
export const FieldPath = z
  .string()
  .regex(/^(data|facts|person)\.[a-z][A-Za-z0-9]*$/, {
    message: "must be data.<field>, facts.<fact> or person.<attribute>",
  })
  .describe("data.<event field>, facts.<recorded fact> or person.<attribute>");

const Scalar = z.union([z.string(), z.number(), z.boolean()]);

export const COMPARISON_OPERATORS = [
  "eq",
  "ne",
  "in",
  "notIn",
  "gt",
  "gte",
  "lt",
  "lte",
  "exists",
  "notExists",
] as const;

/** Compare a field with a value. `exists`/`notExists` take no value; `in`/`notIn` take a list. */
export const Comparison = z
  .object({
    field: FieldPath,
    op: z.enum(COMPARISON_OPERATORS).describe("How to compare"),
    value: z
      .union([Scalar, z.array(Scalar)])
      .optional()
      .describe("The value compared with (a list for in/notIn)"),
  })
  .strict()
  .superRefine((c, ctx) => {
    const wantsNone = c.op === "exists" || c.op === "notExists";
    const wantsList = c.op === "in" || c.op === "notIn";
    if (wantsNone && c.value !== undefined)
      ctx.addIssue({ code: "custom", path: ["value"], message: `${c.op} takes no value` });
    if (!wantsNone && c.value === undefined)
      ctx.addIssue({ code: "custom", path: ["value"], message: `${c.op} needs a value` });
    if (wantsList && !Array.isArray(c.value))
      ctx.addIssue({ code: "custom", path: ["value"], message: `${c.op} needs a list` });
    if (!wantsList && Array.isArray(c.value))
      ctx.addIssue({ code: "custom", path: ["value"], message: `${c.op} takes one value` });
  });

/**
 * True when the person is a minor at the time of the event: under 18 by birth date, or — the child
 * presumption of CETS 197 Art. 10(3) — when the age is uncertain or unknown. `isMinor: false`
 * is true only for a person whose adult age is established.
 */
export const IsMinor = z
  .object({
    isMinor: z
      .boolean()
      .describe("true: minor or age uncertain (child presumption); false: established adult"),
  })
  .strict();

/** True when the latest consent record for the scope gives consent (a later withdrawal makes it false). */
export const ConsentGiven = z
  .object({ consent: z.enum(CONSENT_SCOPES).describe("The consent scope that must currently be given") })
  .strict();

/** True when at least `atLeast` has passed since the instant stored in `since` (e.g. a reflection period). */
export const Elapsed = z
  .object({
    elapsed: z
      .object({
        since: FieldPath.describe("A fact or data field holding an ISO 8601 instant"),
        atLeast: Duration,
      })
      .strict(),
  })
  .strict();

export type Condition =
  | z.infer<typeof Comparison>
  | z.infer<typeof IsMinor>
  | z.infer<typeof ConsentGiven>
  | z.infer<typeof Elapsed>
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

/**
 * A guard, stored as data: a fixed vocabulary the engine knows by name, never code. Combine with
 * `all` (and), `any` (or) and `not`.
 */
export const Condition: z.ZodType<Condition> = z
  .lazy(() =>
    z.union([
      Comparison,
      IsMinor,
      ConsentGiven,
      Elapsed,
      z.object({ all: z.array(Condition).min(1) }).strict(),
      z.object({ any: z.array(Condition).min(1) }).strict(),
      z.object({ not: Condition }).strict(),
    ]),
  )
  .describe("A condition from the guard vocabulary: comparison, isMinor, consent, elapsed, all, any, not");
