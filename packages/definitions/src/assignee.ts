import { z } from "zod";
import { ASSIGNEE_ROLES } from "./stages.ts";

/**
 * Who is responsible, reminded or escalated to: a role, optionally at one of the pathway's agencies.
 * Without an agency, the role at the agency that owns the case is meant.
 */
export const Assignee = z
  .object({
    role: z.enum(ASSIGNEE_ROLES).describe("caseworker, supervisor or committee (national focal point)"),
    agency: z
      .string()
      .optional()
      .describe("Id of an agency in the pathway's `agencies`; default: the case's agency"),
  })
  .strict();
export type Assignee = z.infer<typeof Assignee>;
