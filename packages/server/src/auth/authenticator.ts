/**
 * Who a presented bearer token belongs to, or why it is refused: one indexed read per request,
 * none for a token checked within the last `TOKEN_CACHE_MS`.
 */
import type { DirectoryRepository, TokenPrincipalRecord } from "../storage/directory-repository.ts";
import type { Principal } from "./roles.ts";
import { checkToken, hashToken, type StoredToken, type TokenRejection } from "./token.ts";

export type Authentication =
  | { ok: true; principal: Principal }
  | { ok: false; rejection: TokenRejection; tokenId?: string };

/**
 * How long a checked token is trusted without a new lookup. Revocation and disabling in this
 * process take effect at once (`forget`); done by another process (the CLI, another instance),
 * within this time.
 */
export const TOKEN_CACHE_MS = 2000;

/** Tokens kept checked at most (then the cache starts over). */
const CACHE_SIZE = 10_000;

/** A token's lookup, kept for `TOKEN_CACHE_MS`: the stored token and, if it holds, its principal. */
interface CheckedToken {
  at: number;
  stored: StoredToken;
  disabled: boolean;
  accepted: Authentication & { ok: true };
}

export class Authenticator {
  /**
   * Presented token → what its lookup found, and when. Keyed by the token itself (held here at most
   * `TOKEN_CACHE_MS`, in this process's memory, like the request that carried it): a hit needs no
   * SHA-256 and builds no principal.
   */
  private readonly checked = new Map<string, CheckedToken>();

  constructor(private readonly directory: DirectoryRepository) {}

  /** The decision from a recent lookup of this token, without reading; undefined when there is none. */
  cached(token: string, now = new Date()): Authentication | undefined {
    const at = now.getTime();
    const checked = this.checked.get(token);
    if (!checked || at - checked.at >= TOKEN_CACHE_MS || at < checked.at) return undefined;
    return decide(checked, now);
  }

  async authenticate(token: string, now = new Date()): Promise<Authentication> {
    const cached = this.cached(token, now);
    if (cached) return cached;
    const found = await this.directory.principalOf(hashToken(token));
    if (!found) {
      this.checked.delete(token);
      return { ok: false, rejection: "unknown" };
    }
    if (this.checked.size >= CACHE_SIZE) this.checked.clear();
    const checked = toChecked(found, now.getTime());
    this.checked.set(token, checked);
    return decide(checked, now);
  }

  /** Drop every checked token (a token was revoked or a user disabled). */
  forget(): void {
    this.checked.clear();
  }
}

function decide(checked: CheckedToken, now: Date): Authentication {
  const tokenId = checked.stored.id;
  const rejection = checkToken(checked.stored, now);
  if (rejection) return { ok: false, rejection, tokenId };
  if (checked.disabled) return { ok: false, rejection: "userDisabled", tokenId };
  return checked.accepted;
}

function toChecked(found: TokenPrincipalRecord, at: number): CheckedToken {
  const principal: Principal = Object.freeze({
    userId: found.userId,
    agencyId: found.agencyId,
    country: found.country,
    role: found.role,
    tokenId: found.tokenId,
  });
  return {
    at,
    stored: {
      id: found.tokenId,
      userId: found.userId,
      expiresAt: found.expiresAt,
      revokedAt: found.revokedAt,
    },
    disabled: Boolean(found.disabledAt),
    accepted: { ok: true, principal },
  };
}
