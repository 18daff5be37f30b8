/**
 * The compare-and-swaps of a batch's events that run together, on the real PostgreSQL: they leave
 * in one statement with the audit entries appended before them, each case is swapped only from
 * its expected revision, a second event on the same case in the same statement is stale (not a
 * failed statement), and through the group commit the events, their history rows and one valid
 * audit chain are all there.
 */
import { asc, eq, inArray } from "drizzle-orm";
import { drizzle } from "drizzle-orm/node-postgres";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appendAudit, auditHead, verifyAudit } from "../../audit/audit-trail.ts";
import type { TransitionWrite } from "../records.ts";
import { PostgresAuditRepository } from "./audit-repository.ts";
import { commitEventRows } from "./case-commits.ts";
import { type CaseSwap, CaseSwaps } from "./case-swaps.ts";
import { PgGroupCommit } from "./group-commit.ts";
import { migratePostgres, type OpenPostgres, openPostgres, type PgDb, type PgTx } from "./open.ts";
import { caseHistory, cases } from "./schema/index.ts";
import { createTestDatabase, recordingPool, type TestDatabase } from "./testing.ts";
import { caseEventAuditDraft } from "./testing-audit-chain.ts";

let database: TestDatabase;
let store: OpenPostgres;
beforeAll(async () => {
  database = await createTestDatabase();
  store = openPostgres(database.url);
  await migratePostgres(store.pool);
  ({ pool: countedPool, sent } = recordingPool(database.url));
  counted = drizzle(countedPool);
});
afterAll(async () => {
  await countedPool?.end();
  await store?.pool.end();
  await database?.drop();
});

const T0 = "2026-03-02T09:00:00.000Z";

async function openCases(ids: string[]): Promise<void> {
  await store.db.insert(cases).values(
    ids.map((id) => ({
      id,
      country: "GH",
      pathwayVersion: 1,
      stage: "screening",
      state: "screening.open",
      snapshot: "{}",
      revision: 1,
      createdAt: T0,
      updatedAt: T0,
    })),
  );
}

const swapOf = (caseId: string, expected: number, state = "screening.assessed"): CaseSwap => ({
  caseId,
  expected,
  stage: "screening",
  state,
  snapshot: JSON.stringify({ state }),
  at: T0,
  outcome: null,
  history: {
    eventType: "RISK_ASSESSED",
    data: "{}",
    personalFields: "[]",
    personalData: null,
    fromState: "screening.open",
    toState: state,
    actor: "user_1",
    pathwayVersion: 1,
    auditSeq: null,
  },
});

/** Statements sent by the connections of `counted` (a drizzle database over a pool of its own). */
let sent: string[];
let counted: PgDb;
let countedPool: pg.Pool;

/** `work` in a transaction of `counted`, with the statements it sent (BEGIN and COMMIT not among them). */
async function counting<T>(work: (tx: PgTx) => Promise<T>): Promise<{ result: T; statements: number }> {
  let statements = 0;
  const result = await counted.transaction(async (tx) => {
    const before = sent.length;
    const result = await work(tx);
    statements = sent.length - before;
    return result;
  });
  return { result, statements };
}

const revisions = async (ids: string[]) =>
  Object.fromEntries(
    (
      await store.db
        .select({ id: cases.id, revision: cases.revision })
        .from(cases)
        .where(inArray(cases.id, ids))
    ).map((r) => [r.id, r.revision]),
  );

describe("the swaps of a batch's events that run together", () => {
  it("leave in one statement; a stale one is refused alone, the others are swapped with their history row", async () => {
    const ids = ["swap-a", "swap-b", "swap-c"];
    await openCases(ids);
    const { result: results, statements } = await counting((tx) => {
      const swaps = new CaseSwaps(tx);
      return Promise.all([
        swaps.swap(swapOf("swap-a", 1)),
        swaps.swap(swapOf("swap-b", 7)),
        swaps.swap(swapOf("swap-c", 1)),
      ]);
    });
    expect(results).toEqual([true, false, true]);
    expect(statements).toBe(1);
    expect(await revisions(ids)).toEqual({ "swap-a": 2, "swap-b": 1, "swap-c": 2 });
    const history = await store.db
      .select({ caseId: caseHistory.caseId, seq: caseHistory.seq, toState: caseHistory.toState })
      .from(caseHistory)
      .where(inArray(caseHistory.caseId, ids))
      .orderBy(asc(caseHistory.caseId));
    expect(history).toEqual([
      { caseId: "swap-a", seq: 2, toState: "screening.assessed" },
      { caseId: "swap-c", seq: 2, toState: "screening.assessed" },
    ]);
  });

  it("a second event on the same case goes in the next statement and finds the revision moved", async () => {
    await openCases(["swap-twice"]);
    const { result: results, statements } = await counting((tx) => {
      const swaps = new CaseSwaps(tx);
      return Promise.all([
        swaps.swap(swapOf("swap-twice", 1, "screening.first")),
        swaps.swap(swapOf("swap-twice", 1, "screening.second")),
      ]);
    });
    expect(results).toEqual([true, false]);
    expect(statements).toBe(2);
    const [row] = await store.db.select().from(cases).where(eq(cases.id, "swap-twice"));
    expect(row).toMatchObject({ revision: 2, state: "screening.first" });
  });

  it("through the group commit: every event applied, its history row linked to its entry, one valid chain", async () => {
    const key = Buffer.alloc(32, 9);
    const ids = Array.from({ length: 12 }, (_, i) => `swap-batch-${i}`);
    await openCases(ids);
    const reads = new PostgresAuditRepository(store.db, false, key);
    const before = (await auditHead(reads)).seq;
    const write: TransitionWrite = {
      snapshot: {
        state: "screening.assessed",
        facts: {},
        enteredAt: {},
      } as unknown as TransitionWrite["snapshot"],
      stage: "screening",
      state: "screening.assessed",
      outcome: null,
      history: {
        eventType: "RISK_ASSESSED",
        data: {},
        personalFields: [],
        fromState: "screening.open",
        toState: "screening.assessed",
        actor: "user_1",
        at: T0,
      },
      schedule: [],
      cancelStates: [],
      consents: [],
      endGrants: [],
    };
    const [row] = await store.db.select().from(cases).where(eq(cases.id, ids[0]!));
    const queue = new PgGroupCommit(store.pool);
    const results = await Promise.all(
      ids.map((id) =>
        queue.run(
          async (tx, chain, swaps) => {
            const entry = await appendAudit(
              new PostgresAuditRepository(tx, true, key, chain),
              caseEventAuditDraft(id),
            );
            const base = {
              case: { ...row!, id, snapshot: JSON.parse(row!.snapshot), person: {}, identification: {} },
              openTasks: [],
              consents: [],
            };
            return commitEventRows(
              tx,
              { base, write, actor: "user_1", at: T0, auditSeq: entry.seq },
              { keyring: undefined },
              swaps,
            );
          },
          { independent: true },
        ),
      ),
    );
    expect(queue.stats.batches).toBe(1);
    expect(results.every((r) => r.status === "applied")).toBe(true);
    expect(Object.values(await revisions(ids))).toEqual(ids.map(() => 2));
    const linked = await store.db
      .select({ auditSeq: caseHistory.auditSeq })
      .from(caseHistory)
      .where(inArray(caseHistory.caseId, ids));
    expect(linked.map((r) => r.auditSeq).sort((a, b) => a! - b!)).toEqual(ids.map((_, i) => before + i + 1));
    expect(await verifyAudit(reads)).toMatchObject({ ok: true, checked: before + ids.length });
  });
});
