/**
 * Failed-login counts in PostgreSQL, shared by every API instance. Inside a transaction `get` reads
 * the row `FOR UPDATE`, so two instances counting failures of one account take turns instead of
 * both writing the same count; the first failure of an account (no row yet to lock) is an upsert.
 */
import { eq } from "drizzle-orm";
import type {
  KnownAddress,
  LoginThrottleRecord,
  LoginThrottleRepository,
} from "../login-throttle-repository.ts";
import type { PgDb, PgTx } from "./open.ts";
import { loginThrottle } from "./schema/index.ts";

export class PostgresLoginThrottleRepository implements LoginThrottleRepository {
  constructor(
    private readonly db: PgDb | PgTx,
    private readonly inTransaction: boolean,
  ) {}

  async get(key: string): Promise<LoginThrottleRecord | undefined> {
    const query = this.db
      .select({
        failures: loginThrottle.failures,
        lockedUntil: loginThrottle.lockedUntil,
        knownAddresses: loginThrottle.knownAddresses,
      })
      .from(loginThrottle)
      .where(eq(loginThrottle.userId, key));
    const [row] = this.inTransaction ? await query.for("update") : await query;
    return row && { ...row, knownAddresses: JSON.parse(row.knownAddresses) as KnownAddress[] };
  }

  async put(key: string, record: LoginThrottleRecord): Promise<void> {
    const values = {
      failures: record.failures,
      lockedUntil: record.lockedUntil,
      knownAddresses: JSON.stringify(record.knownAddresses),
    };
    await this.db
      .insert(loginThrottle)
      .values({ userId: key, ...values })
      .onConflictDoUpdate({ target: loginThrottle.userId, set: values });
  }
}
