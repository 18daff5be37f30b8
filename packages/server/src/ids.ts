/**
 * Pseudonymous ids: a prefix, 10 characters of millisecond time and 16 of randomness in Crockford
 * base32 (ULID layout). Never derived from personal data; time-ordered, so keyset pagination on the
 * id lists newest first.
 */
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

export function ulid(now: number = Date.now()): string {
  let time = "";
  let t = now;
  for (let i = 0; i < 10; i++) {
    time = ALPHABET[t % 32] + time;
    t = Math.floor(t / 32);
  }
  const bytes = randomBytes(16);
  let random = "";
  for (let i = 0; i < 16; i++) random += ALPHABET[bytes[i]! % 32];
  return time + random;
}

export const newCaseId = (now?: number) => `case_${ulid(now)}`;
export const newTaskId = (now?: number) => `task_${ulid(now)}`;
export const newNoticeId = (now?: number) => `ntc_${ulid(now)}`;

/** Shape of a case id, checked before any lookup (path parameter validation). */
export const CASE_ID_PATTERN = /^case_[0-9A-HJKMNP-TV-Z]{26}$/;
export const TASK_ID_PATTERN = /^task_[0-9A-HJKMNP-TV-Z]{26}$/;
