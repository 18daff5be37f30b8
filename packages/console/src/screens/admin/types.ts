/** What the admin API answers (ids, roles and login names of staff accounts; never a token's secret). */
export interface Agency {
  id: string;
  country: string;
  code: string;
  name: string;
  kind: string;
}

export interface User {
  id: string;
  agencyId: string;
  login: string;
  role: string;
  hasPassword: boolean;
  disabledAt: string | null;
}

export interface Token {
  id: string;
  kind: string;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export const AGENCY_KINDS = ["government", "ngo", "international", "community"] as const;
export const ROLES = ["caseworker", "supervisor", "committee", "auditor", "admin"] as const;
