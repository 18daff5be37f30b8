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
import type { LoginThrottleRecord, LoginThrottleRepository } from "../storage/login-throttle-repository.ts";

export const FREE_FAILURES = 5;
export const FIRST_LOCK_MS = 60_000;
export const MAX_LOCK_MS = 15 * 60_000;
export const KNOWN_ADDRESS_DAYS = 90;
const KNOWN_ADDRESSES_KEPT = 5;

export type LoginGate = { open: true } | { open: false; retryAfterSeconds: number };

/** Whether this account may try a password from `ip` now. */
export async function loginGate(
  throttle: LoginThrottleRepository,
  key: string,
  ip: string,
  now: Date,
): Promise<LoginGate> {
  const record = await throttle.get(key);
  if (!record?.lockedUntil) return { open: true };
  const until = Date.parse(record.lockedUntil);
  if (until <= now.getTime() || known(record, ip, now)) return { open: true };
  return { open: false, retryAfterSeconds: Math.ceil((until - now.getTime()) / 1000) };
}

/** A wrong password (a transaction's repository): counts, and locks from the free failures on. */
export async function loginFailed(throttle: LoginThrottleRepository, key: string, now: Date): Promise<void> {
  const record = await throttle.get(key);
  const failures = (record?.failures ?? 0) + 1;
  const over = failures - FREE_FAILURES;
  const lockedUntil =
    over >= 0
      ? new Date(now.getTime() + Math.min(MAX_LOCK_MS, FIRST_LOCK_MS * 2 ** over)).toISOString()
      : null;
  await throttle.put(key, { failures, lockedUntil, knownAddresses: record?.knownAddresses ?? [] });
}

/** A successful login (a transaction's repository): the count restarts, the address is known. */
export async function loginSucceeded(
  throttle: LoginThrottleRepository,
  key: string,
  ip: string,
  now: Date,
): Promise<void> {
  const record = await throttle.get(key);
  const others = (record?.knownAddresses ?? []).filter((a) => a.ip !== ip);
  await throttle.put(key, {
    failures: 0,
    lockedUntil: null,
    knownAddresses: [{ ip, at: now.toISOString() }, ...others].slice(0, KNOWN_ADDRESSES_KEPT),
  });
}

function known(record: LoginThrottleRecord, ip: string, now: Date): boolean {
  const since = now.getTime() - KNOWN_ADDRESS_DAYS * 86_400_000;
  return record.knownAddresses.some((a) => a.ip === ip && Date.parse(a.at) >= since);
}
