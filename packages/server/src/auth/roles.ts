import { z } from "zod";
import { AGENCY_KINDS, ROLES } from "../storage/directory-repository.ts";

export { AGENCY_KINDS, ROLES } from "../storage/directory-repository.ts";

/**
 * What a user does, which decides what they may see. One role per user: a supervisor can do what a
 * caseworker does; committee, auditor and admin see no case at all (need-to-know).
 */
export const Role = z
  .enum(ROLES)
  .describe(
    "caseworker: cases owned by or referred to their agency; supervisor: also reassigns and handles escalations; committee: pathways and anonymised aggregates; auditor: the audit log; admin: agencies, users and tokens",
  );
export type Role = z.infer<typeof Role>;

/** Kinds of agency, as HTCDS groups organisations. */
export const AgencyKind = z.enum(AGENCY_KINDS).describe("Type of organisation");
export type AgencyKind = z.infer<typeof AgencyKind>;

/** Who is calling, once their token has been checked. No names: ids only, so it can be logged. */
export const Principal = z
  .object({
    userId: z.string().describe("Id of the authenticated user"),
    agencyId: z.string().describe("Agency the user belongs to"),
    country: z.string().describe("Country of the user's agency (ISO 3166-1 alpha-2 or INTL)"),
    role: Role,
    tokenId: z.string().describe("Id (not the secret) of the token used for this request"),
  })
  .strict()
  .describe("The authenticated caller");
export type Principal = z.infer<typeof Principal>;
