/**
 * Agencies, users and tokens in the SQLite file (raw prepared statements, like the case store: the
 * token lookup runs on every request). Tokens are stored only as their SHA-256.
 */
import type Database from "better-sqlite3";
import { ulid } from "../ids.ts";
import type { AgencyKind, Principal, Role } from "./roles.ts";
import { checkToken, generateToken, hashToken, type StoredToken, type TokenRejection } from "./token.ts";

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

/** The key of an agency: its country and its id in that country's pathway. */
export const agencyKey = (country: string, code: string) => `${country}:${code}`;

export const newUserId = () => `user_${ulid()}`;
export const newTokenId = () => `tok_${ulid()}`;

type Row = Record<string, unknown>;

const toAgency = (r: Row): AgencyRecord => ({
  id: r.id as string,
  country: r.country as string,
  code: r.code as string,
  name: r.name as string,
  kind: r.kind as AgencyKind,
  createdAt: r.created_at as string,
});
const toUser = (r: Row): UserRecord => ({
  id: r.id as string,
  agencyId: r.agency_id as string,
  login: r.login as string,
  role: r.role as Role,
  hasPassword: r.password_hash !== null,
  createdAt: r.created_at as string,
  disabledAt: (r.disabled_at as string | null) ?? null,
});
const toToken = (r: Row): TokenRecord => ({
  id: r.id as string,
  userId: r.user_id as string,
  kind: r.kind as TokenRecord["kind"],
  label: (r.label as string | null) ?? null,
  createdAt: r.created_at as string,
  expiresAt: (r.expires_at as string | null) ?? null,
  revokedAt: (r.revoked_at as string | null) ?? null,
});

/** Raised for a conflicting or dangling write (duplicate login, unknown agency). Message has no personal data. */
export class DirectoryError extends Error {
  override readonly name = "DirectoryError";
  constructor(
    readonly reason: "duplicate" | "unknownAgency" | "unknownUser" | "unknownToken",
    message: string,
  ) {
    super(message);
  }
}

export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; rejection: TokenRejection; tokenId?: string };

/**
 * How long a checked token is trusted without a new lookup. Revocation and disabling in this
 * process take effect at once (the cache is cleared); done by another process (the CLI), within
 * this time.
 */
export const TOKEN_CACHE_MS = 2000;

export class Directory {
  private readonly s: ReturnType<typeof prepare>;
  /**
   * Presented token → what its lookup found, and when. Keyed by the token itself (held here at most
   * `TOKEN_CACHE_MS`, in this process's memory, like the request that carried it): a hit needs no
   * SHA-256 and builds no principal.
   */
  private readonly checked = new Map<string, CheckedToken>();

  constructor(sqlite: Database.Database) {
    this.s = prepare(sqlite);
  }

  createAgency(
    input: { country: string; code: string; name: string; kind: AgencyKind },
    now = new Date(),
  ): AgencyRecord {
    const id = agencyKey(input.country, input.code);
    if (this.s.getAgency.get(id)) throw new DirectoryError("duplicate", `agency ${id} already exists`);
    this.s.insertAgency.run({ id, ...input, created_at: now.toISOString() });
    return this.getAgency(id)!;
  }

  getAgency(id: string): AgencyRecord | undefined {
    const row = this.s.getAgency.get(id) as Row | undefined;
    return row ? toAgency(row) : undefined;
  }

  listAgencies(): AgencyRecord[] {
    return (this.s.listAgencies.all() as Row[]).map(toAgency);
  }

  createUser(
    input: { agencyId: string; login: string; role: Role; passwordHash?: string | null },
    now = new Date(),
  ): UserRecord {
    if (!this.getAgency(input.agencyId))
      throw new DirectoryError("unknownAgency", `no agency ${input.agencyId}`);
    if (this.s.getUserByLogin.get(input.login)) throw new DirectoryError("duplicate", "this login is taken");
    const id = newUserId();
    this.s.insertUser.run({
      id,
      agency_id: input.agencyId,
      login: input.login,
      role: input.role,
      password_hash: input.passwordHash ?? null,
      created_at: now.toISOString(),
    });
    return this.getUser(id)!;
  }

  getUser(id: string): UserRecord | undefined {
    const row = this.s.getUser.get(id) as Row | undefined;
    return row ? toUser(row) : undefined;
  }

  /** The user and their stored password hash, for login only. */
  credentialsOf(login: string): { user: UserRecord; passwordHash: string | null } | undefined {
    const row = this.s.getUserByLogin.get(login) as Row | undefined;
    return row
      ? { user: toUser(row), passwordHash: (row.password_hash as string | null) ?? null }
      : undefined;
  }

  listUsers(agencyId?: string): UserRecord[] {
    const rows = agencyId ? this.s.listUsersOf.all(agencyId) : this.s.listUsers.all();
    return (rows as Row[]).map(toUser);
  }

  countUsers(): number {
    return (this.s.countUsers.get() as { n: number }).n;
  }

  setPasswordHash(userId: string, passwordHash: string): void {
    if (this.s.setPassword.run({ id: userId, password_hash: passwordHash }).changes !== 1) {
      throw new DirectoryError("unknownUser", `no user ${userId}`);
    }
  }

  /** Disable an account: every token of it stops working at once. */
  disableUser(userId: string, now = new Date()): void {
    this.checked.clear();
    if (this.s.disableUser.run({ id: userId, at: now.toISOString() }).changes !== 1) {
      throw new DirectoryError("unknownUser", `no user ${userId}`);
    }
  }

  /** Issue a token; the secret is returned once and only its hash is stored. */
  issueToken(
    input: { userId: string; kind: "api" | "session"; label?: string; expiresAt: Date | null },
    now = new Date(),
  ): { token: string; record: TokenRecord } {
    if (!this.getUser(input.userId)) throw new DirectoryError("unknownUser", `no user ${input.userId}`);
    const token = generateToken();
    const id = newTokenId();
    this.s.insertToken.run({
      id,
      user_id: input.userId,
      token_hash: hashToken(token),
      kind: input.kind,
      label: input.label ?? null,
      created_at: now.toISOString(),
      expires_at: input.expiresAt?.toISOString() ?? null,
    });
    return { token, record: toToken(this.s.getToken.get(id) as Row) };
  }

  getToken(id: string): TokenRecord | undefined {
    const row = this.s.getToken.get(id) as Row | undefined;
    return row ? toToken(row) : undefined;
  }

  listTokens(userId?: string): TokenRecord[] {
    const rows = userId ? this.s.listTokensOf.all(userId) : this.s.listTokens.all();
    return (rows as Row[]).map(toToken);
  }

  revokeToken(id: string, now = new Date()): TokenRecord {
    this.s.revokeToken.run({ id, at: now.toISOString() });
    this.checked.clear();
    const token = this.getToken(id);
    if (!token) throw new DirectoryError("unknownToken", `no token ${id}`);
    return token;
  }

  /** Who a presented token belongs to, or why it is refused. One indexed lookup. */
  authenticate(token: string, now = new Date()): Authentication {
    const at = now.getTime();
    let checked = this.checked.get(token);
    if (!checked || at - checked.at >= TOKEN_CACHE_MS || at < checked.at) {
      const row = this.s.principalByHash.get(hashToken(token)) as Row | undefined;
      if (!row) {
        this.checked.delete(token);
        return { ok: false, rejection: "unknown" };
      }
      if (this.checked.size >= 10_000) this.checked.clear();
      checked = toChecked(row, at);
      this.checked.set(token, checked);
    }
    const tokenId = checked.stored.id;
    const rejection = checkToken(checked.stored, now);
    if (rejection) return { ok: false, rejection, tokenId };
    if (checked.disabled) return { ok: false, rejection: "userDisabled", tokenId };
    return checked.accepted;
  }
}

/** A token's lookup, kept for `TOKEN_CACHE_MS`: the stored token and, if it holds, its principal. */
interface CheckedToken {
  at: number;
  stored: StoredToken;
  disabled: boolean;
  accepted: Authentication & { ok: true };
}

function toChecked(row: Row, at: number): CheckedToken {
  const principal: Principal = Object.freeze({
    userId: row.user_id as string,
    agencyId: row.agency_id as string,
    country: row.country as string,
    role: row.role as Role,
    tokenId: row.token_id as string,
  });
  return {
    at,
    stored: {
      id: principal.tokenId,
      userId: principal.userId,
      expiresAt: (row.expires_at as string | null) ?? null,
      revokedAt: (row.revoked_at as string | null) ?? null,
    },
    disabled: Boolean(row.disabled_at),
    accepted: { ok: true, principal },
  };
}

function prepare(sqlite: Database.Database) {
  return {
    insertAgency: sqlite.prepare(
      "INSERT INTO agencies (id, country, code, name, kind, created_at) VALUES (@id, @country, @code, @name, @kind, @created_at)",
    ),
    getAgency: sqlite.prepare("SELECT * FROM agencies WHERE id = ?"),
    listAgencies: sqlite.prepare("SELECT * FROM agencies ORDER BY country, code"),
    insertUser: sqlite.prepare(
      "INSERT INTO users (id, agency_id, login, role, password_hash, created_at) VALUES (@id, @agency_id, @login, @role, @password_hash, @created_at)",
    ),
    getUser: sqlite.prepare("SELECT * FROM users WHERE id = ?"),
    getUserByLogin: sqlite.prepare("SELECT * FROM users WHERE login = ?"),
    listUsers: sqlite.prepare("SELECT * FROM users ORDER BY id"),
    listUsersOf: sqlite.prepare("SELECT * FROM users WHERE agency_id = ? ORDER BY id"),
    countUsers: sqlite.prepare("SELECT count(*) AS n FROM users"),
    setPassword: sqlite.prepare("UPDATE users SET password_hash = @password_hash WHERE id = @id"),
    disableUser: sqlite.prepare("UPDATE users SET disabled_at = @at WHERE id = @id AND disabled_at IS NULL"),
    insertToken: sqlite.prepare(
      `INSERT INTO api_tokens (id, user_id, token_hash, kind, label, created_at, expires_at)
       VALUES (@id, @user_id, @token_hash, @kind, @label, @created_at, @expires_at)`,
    ),
    getToken: sqlite.prepare("SELECT * FROM api_tokens WHERE id = ?"),
    listTokens: sqlite.prepare("SELECT * FROM api_tokens ORDER BY id"),
    listTokensOf: sqlite.prepare("SELECT * FROM api_tokens WHERE user_id = ? ORDER BY id"),
    revokeToken: sqlite.prepare(
      "UPDATE api_tokens SET revoked_at = @at WHERE id = @id AND revoked_at IS NULL",
    ),
    principalByHash: sqlite.prepare(
      `SELECT t.id AS token_id, t.expires_at, t.revoked_at, u.id AS user_id, u.role, u.disabled_at, a.id AS agency_id, a.country
       FROM api_tokens t JOIN users u ON u.id = t.user_id JOIN agencies a ON a.id = u.agency_id
       WHERE t.token_hash = ?`,
    ),
  };
}
