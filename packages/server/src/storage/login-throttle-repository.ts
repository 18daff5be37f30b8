/** Failed-login counts per account, shared by every API process (the rule is in `auth/login-throttle.ts`). */

export interface KnownAddress {
  ip: string;
  /** When the account last logged in from it (ISO instant). */
  at: string;
}

export interface LoginThrottleRecord {
  failures: number;
  /** Until when logins are refused (ISO instant), if locked. */
  lockedUntil: string | null;
  /** Addresses of recent successful logins, newest first. */
  knownAddresses: KnownAddress[];
}

export interface LoginThrottleRepository {
  get(key: string): Promise<LoginThrottleRecord | undefined>;
  put(key: string, record: LoginThrottleRecord): Promise<void>;
}
