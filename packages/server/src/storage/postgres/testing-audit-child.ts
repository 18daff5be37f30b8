/**
 * An instance appending to the audit chain, in its own process, for the chain test: it connects,
 * says `ready`, and on `go` appends `COUNT` entries, `PARALLEL` transactions at a time, each with a
 * tiny write before the append like a case event's, then reports how many it appended and exits.
 */

import { openPostgres } from "./open.ts";
import { appendAudit } from "./testing-audit-chain.ts";

const env = process.env as Record<string, string>;
const count = Number(env.COUNT);
const parallel = Number(env.PARALLEL);
const key = Buffer.from(env.CHAIN_KEY!, "hex");
const { pool, db } = openPostgres(env.DATABASE_URL!, { poolSize: parallel, applicationName: "audit-child" });
await pool.query("SELECT 1");

async function lane(lane: number): Promise<number> {
  let appended = 0;
  for (let i = lane; i < count; i += parallel) {
    await db.transaction(async (tx) => {
      await appendAudit(
        tx,
        {
          actorUserId: `user-${env.NAME}`,
          actorAgencyId: "GH:police-ahtu",
          actorRole: "caseworker",
          tokenId: null,
          action: "case.read",
          targetType: "case",
          targetId: `case-${env.NAME}-${i}`,
          outcome: "allowed",
          reason: null,
          ip: "127.0.0.1",
          requestId: `req-${env.NAME}-${i}`,
          details: { instance: env.NAME, i },
        },
        key,
      );
    });
    appended += 1;
  }
  return appended;
}

process.on("message", async () => {
  const appended = (await Promise.all(Array.from({ length: parallel }, (_, i) => lane(i)))).reduce(
    (a, b) => a + b,
  );
  await pool.end();
  process.send?.({ appended }, () => process.exit(0));
});
process.send?.("ready");
