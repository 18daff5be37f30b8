/**
 * Limits password guessing per account, on top of the limit per address (`security.ts`): after
 * `FREE_FAILURES` wrong passwords the account refuses logins for a while, doubling each time, up to
 * `MAX_LOCK_MS`. Two rules keep an attacker from using it to shut a caseworker out:
 * - attempts while the account is locked are refused without being counted, so they do not
 *   extend the lock;
 * - an address the account logged in from successfully before (`KNOWN_ADDRESS_DAYS`) is not
 *   locked out: the caseworker at their usual desk still gets in, within the per-address limit.
 * Kept in the database, so that every API process sees the same count.
 */
import type Database from "better-sqlite3";

export const FREE_FAILURES = 5;
export const FIRST_LOCK_MS = 60_000;
export const MAX_LOCK_MS = 15 * 60_000;
export const KNOWN_ADDRESS_DAYS = 90;
const KNOWN_ADDRESSES_KEPT = 5;

export type LoginGate = { open: true } | { open: false; retryAfterSeconds: number };

interface Row {
  failures: number;
  locked_until: string | null;
  known_addresses: string;
}

export class LoginThrottle {
  private readonly s: ReturnType<typeof prepare>;
  constructor(sqlite: Database.Database) {
    this.s = prepare(sqlite);
  }

  /** Whether this account may try a password from `ip` now. */
  gate(userId: string, ip: string, now: Date): LoginGate {
    const row = this.s.get.get(userId) as Row | undefined;
    if (!row?.locked_until) return { open: true };
    const until = Date.parse(row.locked_until);
    if (until <= now.getTime() || this.known(row, ip, now)) return { open: true };
    return { open: false, retryAfterSeconds: Math.ceil((until - now.getTime()) / 1000) };
  }

  /** A wrong password (inside a write transaction): counts, and locks from the free failures on. */
  failed(userId: string, now: Date): void {
    const row = this.s.get.get(userId) as Row | undefined;
    const failures = (row?.failures ?? 0) + 1;
    const over = failures - FREE_FAILURES;
    const lockedUntil =
      over >= 0
        ? new Date(now.getTime() + Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** over)).toISOString()
        : null;
    this.s.upsert.run({
      user_id: userId,
      failures,
      locked_until: lockedUntil,
      known_addresses: row?.known_addresses ?? "[]",
    });
  }

  /** A successful login (inside a write transaction): the count restarts, the address is known. */
  succeeded(userId: string, ip: string, now: Date): void {
    const row = this.s.get.get(userId) as Row | undefined;
    const known = (JSON.parse(row?.known_addresses ?? "[]") as { ip: string; at: string }[]).filter(
      (a) => a.ip !== ip,
    );
    this.s.upsert.run({
      user_id: userId,
      failures: 0,
      locked_until: null,
      known_addresses: JSON.stringify(
        [{ ip, at: now.toISOString() }, ...known].slice(0, KNOWN_ADDRESSES_KEPT),
      ),
    });
  }

  private known(row: Row, ip: string, now: Date): boolean {
    const since = now.getTime() - KNOWN_ADDRESS_DAYS * 86_400_000;
    return (JSON.parse(row.known_addresses) as { ip: string; at: string }[]).some(
      (a) => a.ip === ip && Date.parse(a.at) >= since,
    );
  }
}

function prepare(sqlite: Database.Database) {
  return {
    get: sqlite.prepare(
      "SELECT failures, locked_until, known_addresses FROM login_throttle WHERE user_id = ?",
    ),
    upsert: sqlite.prepare(
      `INSERT INTO login_throttle (user_id, failures, locked_until, known_addresses)
       VALUES (@user_id, @failures, @locked_until, @known_addresses)
       ON CONFLICT (user_id) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, known_addresses = excluded.known_addresses`,
    ),
  };
}
