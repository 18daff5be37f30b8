/**
 * Agencies, users and tokens in PostgreSQL (see `../directory-repository.ts`). Writes only inside a
 * transaction, with the audit entry they belong with. `principalOf` is one indexed join: it runs on
 * every request.
 */
import { and, asc, count, eq, isNull } from "drizzle-orm";
import type {
  AgencyKind,
  AgencyRecord,
  DirectoryRepository,
  NewToken,
  NewUser,
  TokenPrincipalRecord,
  TokenRecord,
  UserRecord,
} from "../directory-repository.ts";
import type { PgDb, PgTx } from "./open.ts";
import { agencies, apiTokens, users } from "./schema/index.ts";
import { writeHandle } from "./write-handle.ts";

const toAgency = (r: typeof agencies.$inferSelect): AgencyRecord => ({ ...r, kind: r.kind as AgencyKind });
const toUser = ({ passwordHash, ...r }: typeof users.$inferSelect): UserRecord => ({
  id: r.id,
  agencyId: r.agencyId,
  login: r.login,
  role: r.role,
  hasPassword: passwordHash !== null,
  createdAt: r.createdAt,
  disabledAt: r.disabledAt,
});
const toToken = ({ tokenHash: _, ...r }: typeof apiTokens.$inferSelect): TokenRecord => r;

export class PostgresDirectoryRepository implements DirectoryRepository {
  constructor(
    private readonly db: PgDb | PgTx,
    private readonly inTransaction: boolean,
  ) {}

  private write(): PgTx {
    return writeHandle(this.db, this.inTransaction, "agencies, users and tokens");
  }

  async insertAgency(agency: AgencyRecord): Promise<void> {
    await this.write().insert(agencies).values(agency);
  }

  async getAgency(id: string): Promise<AgencyRecord | undefined> {
    const [row] = await this.db.select().from(agencies).where(eq(agencies.id, id));
    return row && toAgency(row);
  }

  async listAgencies(): Promise<AgencyRecord[]> {
    const rows = await this.db.select().from(agencies).orderBy(asc(agencies.country), asc(agencies.code));
    return rows.map(toAgency);
  }

  async insertUser(user: NewUser): Promise<void> {
    await this.write().insert(users).values(user);
  }

  async getUser(id: string): Promise<UserRecord | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.id, id));
    return row && toUser(row);
  }

  async credentialsOf(login: string): Promise<{ user: UserRecord; passwordHash: string | null } | undefined> {
    const [row] = await this.db.select().from(users).where(eq(users.login, login));
    return row && { user: toUser(row), passwordHash: row.passwordHash };
  }

  async listUsers(agencyId?: string): Promise<UserRecord[]> {
    const rows = await this.db
      .select()
      .from(users)
      .where(agencyId === undefined ? undefined : eq(users.agencyId, agencyId))
      .orderBy(asc(users.id));
    return rows.map(toUser);
  }

  async countUsers(): Promise<number> {
    const [row] = await this.db.select({ n: count() }).from(users);
    return row?.n ?? 0;
  }

  async setPasswordHash(userId: string, passwordHash: string): Promise<boolean> {
    const updated = await this.write()
      .update(users)
      .set({ passwordHash })
      .where(eq(users.id, userId))
      .returning({ id: users.id });
    return updated.length === 1;
  }

  async disableUser(userId: string, at: string): Promise<boolean> {
    const tx = this.write();
    // Disabled once: a second disable keeps the first instant.
    const updated = await tx
      .update(users)
      .set({ disabledAt: at })
      .where(and(eq(users.id, userId), isNull(users.disabledAt)))
      .returning({ id: users.id });
    if (updated.length === 1) return true;
    const [row] = await tx.select({ id: users.id }).from(users).where(eq(users.id, userId));
    return row !== undefined;
  }

  async insertToken(token: NewToken): Promise<void> {
    await this.write().insert(apiTokens).values(token);
  }

  async getToken(id: string): Promise<TokenRecord | undefined> {
    const [row] = await this.db.select().from(apiTokens).where(eq(apiTokens.id, id));
    return row && toToken(row);
  }

  async listTokens(userId?: string): Promise<TokenRecord[]> {
    const rows = await this.db
      .select()
      .from(apiTokens)
      .where(userId === undefined ? undefined : eq(apiTokens.userId, userId))
      .orderBy(asc(apiTokens.id));
    return rows.map(toToken);
  }

  async revokeToken(id: string, at: string): Promise<void> {
    // Revoked once: a second revocation keeps the first instant.
    await this.write()
      .update(apiTokens)
      .set({ revokedAt: at })
      .where(and(eq(apiTokens.id, id), isNull(apiTokens.revokedAt)));
  }

  async principalOf(tokenHash: string): Promise<TokenPrincipalRecord | undefined> {
    const [row] = await this.db
      .select({
        tokenId: apiTokens.id,
        expiresAt: apiTokens.expiresAt,
        revokedAt: apiTokens.revokedAt,
        userId: users.id,
        role: users.role,
        disabledAt: users.disabledAt,
        agencyId: agencies.id,
        country: agencies.country,
      })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .innerJoin(agencies, eq(agencies.id, users.agencyId))
      .where(eq(apiTokens.tokenHash, tokenHash));
    return row;
  }
}
