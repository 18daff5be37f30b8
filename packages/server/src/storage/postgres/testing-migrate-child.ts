/**
 * An instance starting, in its own process, for the migration test: it connects, says `ready`,
 * and on `go` runs the migrations, then reports `ok` or the error's message and exits. The test
 * sends `go` to every child at once, so the migrations start at the same instant.
 */
import { migratePostgres, openPostgres } from "./open.ts";

const { pool } = openPostgres(process.env.DATABASE_URL!, { poolSize: 2, applicationName: "migrate-child" });
await pool.query("SELECT 1");
process.on("message", async () => {
  let outcome: { ok: true } | { ok: false; message: string };
  try {
    await migratePostgres(pool);
    outcome = { ok: true };
  } catch (error) {
    outcome = { ok: false, message: (error as Error).message };
  }
  await pool.end();
  process.send?.(outcome, () => process.exit(0));
});
process.send?.("ready");
