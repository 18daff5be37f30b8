/** Failed-login counts in the SQLite file. */
import type Database from "better-sqlite3";
import type {
  KnownAddress,
  LoginThrottleRecord,
  LoginThrottleRepository,
} from "../login-throttle-repository.ts";

export class SqliteLoginThrottleRepository implements LoginThrottleRepository {
  private readonly getRow: Database.Statement;
  private readonly upsert: Database.Statement;

  constructor(sqlite: Database.Database) {
    this.getRow = sqlite.prepare(
      "SELECT failures, locked_until, known_addresses FROM login_throttle WHERE user_id = ?",
    );
    this.upsert = sqlite.prepare(
      `INSERT INTO login_throttle (user_id, failures, locked_until, known_addresses)
       VALUES (@user_id, @failures, @locked_until, @known_addresses)
       ON CONFLICT (user_id) DO UPDATE SET failures = excluded.failures, locked_until = excluded.locked_until, known_addresses = excluded.known_addresses`,
    );
  }

  async get(key: string): Promise<LoginThrottleRecord | undefined> {
    const row = this.getRow.get(key) as
      | { failures: number; locked_until: string | null; known_addresses: string }
      | undefined;
    if (!row) return undefined;
    return {
      failures: row.failures,
      lockedUntil: row.locked_until,
      knownAddresses: JSON.parse(row.known_addresses) as KnownAddress[],
    };
  }

  async put(key: string, record: LoginThrottleRecord): Promise<void> {
    this.upsert.run({
      user_id: key,
      failures: record.failures,
      locked_until: record.lockedUntil,
      known_addresses: JSON.stringify(record.knownAddresses),
    });
  }
}
