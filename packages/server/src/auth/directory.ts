/**
 * Agencies, users and tokens: the directory's rules over its repository. Writes take the
 * repository of a transaction (`store.transaction(tx => createUser(tx.directory, …))`), so that an
 * administrative change and its audit entry commit together.
 */
import { ulid } from "../ids.ts";
import {
  type AgencyKind,
  type AgencyRecord,
  agencyKey,
  type DirectoryRepository,
  type Role,
  type TokenRecord,
  type UserRecord,
} from "../storage/directory-repository.ts";
import { generateToken, hashToken } from "./token.ts";

export type { AgencyRecord, TokenRecord, UserRecord } from "../storage/directory-repository.ts";
export { agencyKey } from "../storage/directory-repository.ts";

export const newUserId = () => `user_${ulid()}`;
export const newTokenId = () => `tok_${ulid()}`;

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

export async function createAgency(
  directory: DirectoryRepository,
  input: { country: string; code: string; name: string; kind: AgencyKind },
  now = new Date(),
): Promise<AgencyRecord> {
  const id = agencyKey(input.country, input.code);
  if (await directory.getAgency(id)) throw new DirectoryError("duplicate", `agency ${id} already exists`);
  const agency: AgencyRecord = { id, ...input, createdAt: now.toISOString() };
  await directory.insertAgency(agency);
  return agency;
}

export async function createUser(
  directory: DirectoryRepository,
  input: { agencyId: string; login: string; role: Role; passwordHash?: string | null },
  now = new Date(),
): Promise<UserRecord> {
  if (!(await directory.getAgency(input.agencyId)))
    throw new DirectoryError("unknownAgency", `no agency ${input.agencyId}`);
  if (await directory.credentialsOf(input.login))
    throw new DirectoryError("duplicate", "this login is taken");
  const id = newUserId();
  await directory.insertUser({
    id,
    agencyId: input.agencyId,
    login: input.login,
    role: input.role,
    passwordHash: input.passwordHash ?? null,
    createdAt: now.toISOString(),
  });
  return (await directory.getUser(id))!;
}

export async function setPassword(
  directory: DirectoryRepository,
  userId: string,
  passwordHash: string,
): Promise<void> {
  if (!(await directory.setPasswordHash(userId, passwordHash)))
    throw new DirectoryError("unknownUser", `no user ${userId}`);
}

/** Disable an account: every token of it stops working (at once in this process: `Authenticator.forget`). */
export async function disableUser(
  directory: DirectoryRepository,
  userId: string,
  now = new Date(),
): Promise<UserRecord> {
  if (!(await directory.disableUser(userId, now.toISOString())))
    throw new DirectoryError("unknownUser", `no user ${userId}`);
  return (await directory.getUser(userId))!;
}

/** Issue a token; the secret is returned once and only its hash is stored. */
export async function issueToken(
  directory: DirectoryRepository,
  input: { userId: string; kind: "api" | "session"; label?: string; expiresAt: Date | null },
  now = new Date(),
): Promise<{ token: string; record: TokenRecord }> {
  if (!(await directory.getUser(input.userId)))
    throw new DirectoryError("unknownUser", `no user ${input.userId}`);
  const token = generateToken();
  const record: TokenRecord = {
    id: newTokenId(),
    userId: input.userId,
    kind: input.kind,
    label: input.label ?? null,
    createdAt: now.toISOString(),
    expiresAt: input.expiresAt?.toISOString() ?? null,
    revokedAt: null,
  };
  await directory.insertToken({
    id: record.id,
    userId: record.userId,
    tokenHash: hashToken(token),
    kind: record.kind,
    label: record.label,
    createdAt: record.createdAt,
    expiresAt: record.expiresAt,
  });
  return { token, record };
}

/** Revoke a token (revoking a revoked one changes nothing). */
export async function revokeToken(
  directory: DirectoryRepository,
  id: string,
  now = new Date(),
): Promise<TokenRecord> {
  await directory.revokeToken(id, now.toISOString());
  const token = await directory.getToken(id);
  if (!token) throw new DirectoryError("unknownToken", `no token ${id}`);
  return token;
}
