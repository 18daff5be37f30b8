import type { Role } from "../auth/roles.ts";

/** Roles that work on cases. Nobody else ever sees a case or a person: need-to-know. */
export const CASE_ROLES = ["caseworker", "supervisor"] as const satisfies readonly Role[];
const ALL_ROLES = [
  "caseworker",
  "supervisor",
  "committee",
  "auditor",
  "admin",
] as const satisfies readonly Role[];

/**
 * How a policy finds what it protects:
 * - `none`: nothing beyond the role (e.g. read pathways);
 * - `reach`: a list the handler filters to the caller's reach (cases and tasks of their agency or
 *   referred to it);
 * - `case`: the `:id` route parameter is a case id, checked against the caller's reach;
 * - `task`: the `:id` route parameter is a task id, checked through its case.
 */
export type PolicyScope = "none" | "reach" | "case" | "task";

export interface Policy {
  /** Whether a bearer token is needed at all. */
  authenticated: boolean;
  /** Roles allowed. Others get 403 — or 404 on a case they cannot see. */
  roles: readonly Role[];
  scope: PolicyScope;
  /** Only the agency that owns the case (not one it was referred to) may do this. */
  ownerOnly?: boolean;
  /** What it protects, for the docs and the audit log. */
  description: string;
}

/**
 * Every route names one of these in `config.policy`. A route without one fails at start-up and in the
 * route × role matrix test, so nothing is reachable by accident.
 */
export const POLICIES = {
  public: {
    authenticated: false,
    roles: ALL_ROLES,
    scope: "none",
    description: "Liveness; API documentation",
  },
  "auth:login": {
    authenticated: false,
    roles: ALL_ROLES,
    scope: "none",
    description: "Password login (rate-limited)",
  },
  "auth:self": { authenticated: true, roles: ALL_ROLES, scope: "none", description: "Own identity; log out" },
  "pathway:read": {
    authenticated: true,
    roles: ALL_ROLES,
    scope: "none",
    description: "Read published pathway definitions and diagrams (no personal data)",
  },
  "pathway:manage": {
    authenticated: true,
    roles: ["committee"],
    scope: "none",
    description: "Validate, publish pathways; plan migrations",
  },
  "stats:read": {
    authenticated: true,
    roles: ["committee", "supervisor"],
    scope: "none",
    description: "Anonymised aggregates (no personal data, no case ids)",
  },
  "case:create": { authenticated: true, roles: CASE_ROLES, scope: "none", description: "Register a case" },
  "case:list": {
    authenticated: true,
    roles: CASE_ROLES,
    scope: "reach",
    description: "List cases owned by or referred to the caller's agency",
  },
  "case:read": {
    authenticated: true,
    roles: CASE_ROLES,
    scope: "case",
    description: "Read a case and its history",
  },
  "case:act": {
    authenticated: true,
    roles: CASE_ROLES,
    scope: "case",
    description: "Send an event to a case",
  },
  "case:consent": {
    authenticated: true,
    roles: CASE_ROLES,
    scope: "case",
    ownerOnly: true,
    description: "Record or withdraw consent (the owning agency: it holds the relationship with the person)",
  },
  "case:refer": {
    authenticated: true,
    roles: CASE_ROLES,
    scope: "case",
    ownerOnly: true,
    description: "Refer a case to another agency (needs consent), granting it access; revoke a referral",
  },
  "case:reassign": {
    authenticated: true,
    roles: ["supervisor"],
    scope: "case",
    ownerOnly: true,
    description: "Reassign a case within the owning agency",
  },
  "task:list": {
    authenticated: true,
    roles: CASE_ROLES,
    scope: "reach",
    description: "List tasks of cases in reach",
  },
  "task:act": {
    authenticated: true,
    roles: CASE_ROLES,
    scope: "task",
    description: "Complete a task of a case in reach",
  },
  "task:read": {
    authenticated: true,
    roles: CASE_ROLES,
    scope: "task",
    description: "Read a task of a case in reach, with its reminders",
  },
  "task:reassign": {
    authenticated: true,
    roles: ["supervisor"],
    scope: "task",
    ownerOnly: true,
    description: "Reassign or snooze a task within the owning agency",
  },
  "delivery:operate": {
    authenticated: true,
    roles: ["admin"],
    scope: "none",
    description: "Operate reminder delivery (dead letters): ids only, across agencies",
  },
  "audit:read": {
    authenticated: true,
    roles: ["auditor"],
    scope: "none",
    description: "Read and verify the audit log",
  },
  "admin:manage": {
    authenticated: true,
    roles: ["admin"],
    scope: "none",
    description: "Manage agencies, users and API tokens",
  },
} as const satisfies Record<string, Policy>;

export type PolicyName = keyof typeof POLICIES;
export const POLICY_NAMES = Object.keys(POLICIES) as PolicyName[];
export const isPolicyName = (name: unknown): name is PolicyName =>
  typeof name === "string" && Object.hasOwn(POLICIES, name);

/**
 * The refusals a route under `policy` may answer whatever its handler does (issue 5): 401 without a
 * valid token; 403 where a role may be refused (the policy's roles, or the event's `roles` on a
 * case it can see); 404 for a case or task out of reach. Added to each route's documented
 * responses, so that the OpenAPI document lists them.
 */
export function refusalStatuses(policy: Policy): (401 | 403 | 404)[] {
  if (!policy.authenticated) return [];
  const onOne = policy.scope === "case" || policy.scope === "task";
  return [
    401,
    ...(onOne || policy.roles.length < ALL_ROLES.length ? [403 as const] : []),
    ...(onOne ? [404 as const] : []),
  ];
}
