import { integer, pgTable, text } from "drizzle-orm/pg-core";

/**
 * Password failures per account, shared by every process on the database: the limit per address
 * alone let an attacker spread guesses over many addresses.
 */
export const loginThrottle = pgTable("login_throttle", {
  userId: text("user_id").primaryKey(),
  /** Wrong passwords since the last successful login. */
  failures: integer("failures").notNull().default(0),
  /** Until when logins from unknown addresses are refused (ISO instant). */
  lockedUntil: text("locked_until"),
  /** Addresses this account logged in from successfully (JSON `[{ ip, at }]`, newest first, a few). */
  knownAddresses: text("known_addresses").notNull().default("[]"),
});
