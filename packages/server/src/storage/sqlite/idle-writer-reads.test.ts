/**
 * The case reads an event's path makes go to the writer connection while it is idle
 * (`idle-writer-reads.ts`). While a batch is open on it they must not: its work may await between
 * BEGIN and COMMIT, and a read meanwhile would see writes that are neither committed nor synced
 * (and may yet roll back). This test holds a batch open and reads the case and its access.
 */
import { afterEach, describe, expect, it } from "vitest";
import { build, type TestApp } from "../../testing/build.ts";
import { openCase } from "../../testing/fixtures.ts";
import { SqliteCaseStore } from "./sqlite-case-store.ts";

const opened: TestApp[] = [];
afterEach(async () => {
  for (const t of opened.splice(0)) await t.close();
});

describe("case reads outside a transaction", () => {
  it("never see a batch still open on the writer; they see it once it is committed", async () => {
    const t = await build();
    opened.push(t);
    const store = t.app.store;
    if (!(store instanceof SqliteCaseStore)) throw new Error("expected the SQLite store");
    const { id } = await openCase(t.app);

    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const batch = store.transaction(async (tx) => {
      await tx.caseAccess.setAssignee(id, "user_2");
      await tx.grants.insert({
        caseId: id,
        agencyId: "ZZ:shelter",
        grantedAt: "2026-11-02T10:00:00.000Z",
        grantedBy: "user_1",
        basis: "consent",
        purpose: null,
        scopes: ["referral"],
        decidedBy: null,
        decisionGrounds: null,
      });
      await gate;
    });
    for (let turns = 0; !store.sqlite.inTransaction; turns++) {
      if (turns > 100) throw new Error("the batch did not start");
      await new Promise((resolve) => setImmediate(resolve));
    }

    // The batch is open on the writer: its writes are not there yet.
    expect((await store.cases.get(id))!.case.assignee).toBeNull();
    expect((await store.caseAccess.ofCase(id))!.grantedAgencyIds).toEqual([]);

    release();
    await batch;
    expect(store.sqlite.inTransaction).toBe(false);
    expect((await store.cases.get(id))!.case.assignee).toBe("user_2");
    expect((await store.caseAccess.ofCase(id))!.grantedAgencyIds).toEqual(["ZZ:shelter"]);
  });
});
