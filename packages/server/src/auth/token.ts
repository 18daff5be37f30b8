import { hash, randomBytes } from "node:crypto";

/**
 * Opaque bearer tokens: `psr_` + 256 random bits (base64url). Only the SHA-256 of a token is stored; a
 * fast hash is enough because the token has full entropy (no dictionary to try), and it keeps the
 * per-request lookup cheap.
 */
export const TOKEN_PREFIX = "psr_";

export function generateToken(): string {
  return `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
}

/** What is stored and looked up: hex SHA-256 of the whole token text. */
export function hashToken(token: string): string {
  // One-shot (no Hash object per request): the same digest as createHash().update().digest().
  return hash("sha256", token, "hex");
}

/** Whether a string looks like one of our tokens (cheap check before hitting the database). */
export function isWellFormedToken(token: string): boolean {
  return /^psr_[A-Za-z0-9_-]{43}$/.test(token);
}

/** The token in an `Authorization: Bearer …` header, or undefined. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

/** Why a presented token was not accepted. */
export type TokenRejection = "missing" | "malformed" | "unknown" | "expired" | "revoked" | "userDisabled";

/** A stored token as the check needs it. */
export interface StoredToken {
  id: string;
  userId: string;
  expiresAt: string | null;
  revokedAt: string | null;
}

/** Decide whether a stored token may be used now. */
export function checkToken(token: StoredToken | undefined, now: Date): TokenRejection | undefined {
  if (!token) return "unknown";
  if (token.revokedAt) return "revoked";
  if (token.expiresAt && Date.parse(token.expiresAt) <= now.getTime()) return "expired";
  return undefined;
}
