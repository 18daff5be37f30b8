/** Agencies, users and tokens in the SQLite file (prepared once: the token lookup runs on every request). */
import type Database from "better-sqlite3";
import type {
  AgencyKind,
  AgencyRecord,
  DirectoryRepository,
  NewToken,
  NewUser,
  Role,
  TokenPrincipalRecord,
  TokenRecord,
  UserRecord,
} from "../directory-repository.ts";

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

export class SqliteDirectoryRepository implements DirectoryRepository {
  private readonly s: ReturnType<typeof prepare>;

  constructor(sqlite: Database.Database) {
    this.s = prepare(sqlite);
  }

  async insertAgency(agency: AgencyRecord): Promise<void> {
    const { createdAt, ...rest } = agency;
    this.s.insertAgency.run({ ...rest, created_at: createdAt });
  }

  async getAgency(id: string): Promise<AgencyRecord | undefined> {
    const row = this.s.getAgency.get(id) as Row | undefined;
    return row ? toAgency(row) : undefined;
  }

  async listAgencies(): Promise<AgencyRecord[]> {
    return (this.s.listAgencies.all() as Row[]).map(toAgency);
  }

  async insertUser(user: NewUser): Promise<void> {
    this.s.insertUser.run({
      id: user.id,
      agency_id: user.agencyId,
      login: user.login,
      role: user.role,
      password_hash: user.passwordHash,
      created_at: user.createdAt,
    });
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const row = this.s.getUser.get(id) as Row | undefined;
    return row ? toUser(row) : undefined;
  }

  async credentialsOf(login: string): Promise<{ user: UserRecord; passwordHash: string | null } | undefined> {
    const row = this.s.getUserByLogin.get(login) as Row | undefined;
    return row
      ? { user: toUser(row), passwordHash: (row.password_hash as string | null) ?? null }
      : undefined;
  }

  async listUsers(agencyId?: string): Promise<UserRecord[]> {
    const rows = agencyId ? this.s.listUsersOf.all(agencyId) : this.s.listUsers.all();
    return (rows as Row[]).map(toUser);
  }

  async countUsers(): Promise<number> {
    return (this.s.countUsers.get() as { n: number }).n;
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<boolean> {
    return this.s.setPassword.run({ id: userId, password_hash: passwordHash }).changes === 1;
  }

  async disableUser(userId: string, at: string): Promise<boolean> {
    this.s.disableUser.run({ id: userId, at });
    return this.s.getUser.get(userId) !== undefined;
  }

  async insertToken(token: NewToken): Promise<void> {
    this.s.insertToken.run({
      id: token.id,
      user_id: token.userId,
      token_hash: token.tokenHash,
      kind: token.kind,
      label: token.label,
      created_at: token.createdAt,
      expires_at: token.expiresAt,
    });
  }

  async getToken(id: string): Promise<TokenRecord | undefined> {
    const row = this.s.getToken.get(id) as Row | undefined;
    return row ? toToken(row) : undefined;
  }

  async listTokens(userId?: string): Promise<TokenRecord[]> {
    const rows = userId ? this.s.listTokensOf.all(userId) : this.s.listTokens.all();
    return (rows as Row[]).map(toToken);
  }

  async revokeToken(id: string, at: string): Promise<void> {
    this.s.revokeToken.run({ id, at });
  }

  async principalOf(tokenHash: string): Promise<TokenPrincipalRecord | undefined> {
    const row = this.s.principalByHash.get(tokenHash) as Row | undefined;
    if (!row) return undefined;
    return {
      tokenId: row.token_id as string,
      expiresAt: (row.expires_at as string | null) ?? null,
      revokedAt: (row.revoked_at as string | null) ?? null,
      userId: row.user_id as string,
      role: row.role as Role,
      disabledAt: (row.disabled_at as string | null) ?? null,
      agencyId: row.agency_id as string,
      country: row.country as string,
    };
  }
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
