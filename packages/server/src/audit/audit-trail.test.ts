import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { AuditDraft } from "../storage/audit-repository.ts";
import { openStorage } from "../storage/open-storage.ts";
import type { Storage } from "../storage/storage.ts";
import { tempDir } from "../testing/build.ts";
import { appendAudit, auditHead, verifyAudit } from "./audit-trail.ts";

const opened: Storage[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

const draft = (targetId: string): AuditDraft => ({
  actorUserId: "user_1",
  actorAgencyId: "GH:dsw",
  actorRole: "caseworker",
  tokenId: "tok_1",
  action: "case.read",
  targetType: "case",
  targetId,
  outcome: "allowed",
  reason: "case:read",
  ip: "127.0.0.1",
  requestId: "r",
  details: { route: "/v1/cases/:id" },
});

async function storage(): Promise<Storage> {
  const store = await openStorage(join(tempDir(), "trail.db"), { protections: false });
  opened.push(store);
  return store;
}

describe("the audit trail over the repositories", () => {
  it("appends made at once, in transactions batched together or failing, make one unbroken chain", async () => {
    const store = await storage();
    const results = await Promise.allSettled(
      Array.from({ length: 40 }, (_, i) =>
        store.transaction(async (tx) => {
          await appendAudit(tx.audit, draft(`case_${i}`));
          // Every fifth write fails after its entry: the entry rolls back with it.
          if (i % 5 === 4) throw new Error("the write after the audit entry failed");
        }),
      ),
    );
    expect(results.filter((r) => r.status === "rejected")).toHaveLength(8);
    expect(await verifyAudit(store.audit, { pageSize: 7 })).toMatchObject({ ok: true, checked: 32 });
    expect((await auditHead(store.audit)).seq).toBe(32);
    const listed = await store.audit.list({ limit: 100, targetType: "case", targetId: "case_3" });
    expect(listed.map((e) => e.details)).toEqual([{ route: "/v1/cases/:id" }]);
    expect(await store.audit.list({ limit: 100, targetId: "case_4" })).toEqual([]);
  });

  it("refuses an append outside a transaction (the head it links to could move)", async () => {
    const store = await storage();
    await expect(appendAudit(store.audit, draft("case_1"))).rejects.toThrow(/inside a write transaction/);
    expect((await auditHead(store.audit)).seq).toBe(0);
  });

  it("a checkpoint known from outside that the log no longer reaches is reported", async () => {
    const store = await storage();
    await store.transaction((tx) => appendAudit(tx.audit, draft("case_1")));
    const head = await auditHead(store.audit);
    expect(await verifyAudit(store.audit, { knownHeads: [head] })).toMatchObject({ ok: true });
    expect(await verifyAudit(store.audit, { knownHeads: [{ seq: 2, hash: head.hash }] })).toMatchObject({
      ok: false,
      broken: { problem: "truncated" },
    });
    expect(await verifyAudit(store.audit, { knownHeads: [{ seq: 1, hash: "0".repeat(64) }] })).toMatchObject({
      ok: false,
      broken: { problem: "rewritten" },
    });
  });
});
