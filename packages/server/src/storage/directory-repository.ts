/**
 * Agencies, users and API tokens as stored. Tokens are kept only as their SHA-256; what a presented
 * token may do is decided in `auth/` from what `principalOf` reads.
 */

/** Roles a user can hold (what each may see is decided in `auth/` and `policy/`). */
export const ROLES = ["caseworker", "supervisor", "committee", "auditor", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Kinds of agency, as HTCDS groups organisations. */
export const AGENCY_KINDS = ["government", "ngo", "international", "community"] as const;
export type AgencyKind = (typeof AGENCY_KINDS)[number];

/** The key of an agency: its country and its id in that country's pathway. */
export const agencyKey = (country: string, code: string) => `${country}:${code}`;

export interface AgencyRecord {
  id: string;
  country: string;
  code: string;
  name: string;
  kind: AgencyKind;
  createdAt: string;
}

export interface UserRecord {
  id: string;
  agencyId: string;
  login: string;
  role: Role;
  hasPassword: boolean;
  createdAt: string;
  disabledAt: string | null;
}

export interface TokenRecord {
  id: string;
  userId: string;
  kind: "api" | "session";
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

export interface NewUser {
  id: string;
  agencyId: string;
  login: string;
  role: Role;
  passwordHash: string | null;
  createdAt: string;
}

export interface NewToken {
  id: string;
  userId: string;
  /** SHA-256 (hex) of the token: the token itself is never stored. */
  tokenHash: string;
  kind: TokenRecord["kind"];
  label: string | null;
  createdAt: string;
  expiresAt: string | null;
}

/** A token with its user and agency: everything authentication decides from, in one read. */
export interface TokenPrincipalRecord {
  tokenId: string;
  expiresAt: string | null;
  revokedAt: string | null;
  userId: string;
  role: Role;
  disabledAt: string | null;
  agencyId: string;
  country: string;
}

export interface DirectoryRepository {
  insertAgency(agency: AgencyRecord): Promise<void>;
  getAgency(id: string): Promise<AgencyRecord | undefined>;
  /** By country, then code. */
  listAgencies(): Promise<AgencyRecord[]>;

  insertUser(user: NewUser): Promise<void>;
  getUser(id: string): Promise<UserRecord | undefined>;
  /** The user of a login and their stored password hash (login only). */
  credentialsOf(login: string): Promise<{ user: UserRecord; passwordHash: string | null } | undefined>;
  /** By id; only one agency's users when given. */
  listUsers(agencyId?: string): Promise<UserRecord[]>;
  countUsers(): Promise<number>;
  /** False when there is no such user. */
  setPasswordHash(userId: string, passwordHash: string): Promise<boolean>;
  /** Marks the user disabled at `at` unless already disabled; false when there is no such user. */
  disableUser(userId: string, at: string): Promise<boolean>;

  insertToken(token: NewToken): Promise<void>;
  getToken(id: string): Promise<TokenRecord | undefined>;
  /** By id; only one user's tokens when given. */
  listTokens(userId?: string): Promise<TokenRecord[]>;
  /** Marks the token revoked at `at` unless already revoked. */
  revokeToken(id: string, at: string): Promise<void>;
  /** The token with this hash, its user and agency (one indexed read: it runs on every request). */
  principalOf(tokenHash: string): Promise<TokenPrincipalRecord | undefined>;
}
