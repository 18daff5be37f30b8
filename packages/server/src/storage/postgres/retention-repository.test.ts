/**
 * Retention on PostgreSQL: closed cases still holding personal data are listed; erasing one clears
 * every personal value, keeps the non-personal identification in the clear, and destroys the case's
 * salt so that a copy of a sealed value taken before no longer opens. Real PostgreSQL.
 */
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataKey } from "../../crypto/data-key.ts";
import { Keyring } from "../../crypto/keyring.ts";
import { aad } from "../../crypto/personal-data-codec.ts";
import type { TransitionWrite } from "../records.ts";
import { codecOfCase } from "./case-codec.ts";
import { createCaseRows } from "./case-commits.ts";
import { migratePostgres, type OpenPostgres, openPostgres } from "./open.ts";
import { PostgresRepositories } from "./postgres-repositories.ts";
import { caseHistory, caseKeys, casePersonal, cases, consents, taskActions } from "./schema/index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

let database: TestDatabase;
let store: OpenPostgres;
const keyring = new Keyring(generateDataKey());
const T0 = "2026-03-02T09:00:00.000Z";
const opening = (state: string): TransitionWrite => ({
  snapshot: { state, facts: {}, enteredAt: {} } as unknown as TransitionWrite["snapshot"],
  stage: state.split(".")[0]!,
  state,
  outcome: state.startsWith("closed") ? "reintegrated" : null,
  history: {
    eventType: "open",
    data: { words: "Efua said she was promised work", code: "X" },
    personalFields: ["words"],
    fromState: null,
    toState: state,
    actor: "user-1",
    at: T0,
  },
  schedule: [],
  cancelStates: [],
  consents: [
    {
      scope: "referral",
      given: true,
      method: "written",
      at: T0,
      actor: "user-1",
      guardian: { name: "Kojo", relationship: "father" },
      purpose: "Shelter",
    } as TransitionWrite["consents"][number],
  ],
  endGrants: [],
});

beforeAll(async () => {
  database = await createTestDatabase();
  store = openPostgres(database.url);
  await migratePostgres(store.pool);
  for (const [id, state] of [
    ["case-b", "closed.reintegrated"],
    ["case-a", "closed.reintegrated"],
    ["case-open", "identification.screening"],
  ] as const)
    await store.db.transaction((tx) =>
      createCaseRows(
        tx,
        {
          id,
          country: "GH",
          pathwayVersion: 1,
          assignee: null,
          agency: "police",
          person: { name: "Efua Mensah" },
          identification: { by: "police", region: "Volta", witness: "Kofi" },
          ageBand: null,
          opening: opening(state),
        },
        null,
        { keyring },
      ),
    );
  await store.db.insert(taskActions).values({
    taskId: "t",
    caseId: "case-a",
    action: "snooze",
    actor: "u",
    reason: "sealed-looking reason",
    detail: "{}",
    at: T0,
  });
});
afterAll(async () => {
  await store?.pool.end();
  await database?.drop();
});

describe("retention on PostgreSQL", () => {
  const repo = () => new PostgresRepositories(store.db, false, { keyring }).retention;

  it("lists closed cases holding personal data, by id, and opens their identification", async () => {
    expect(await repo().closedWithPersonalData()).toEqual([
      { caseId: "case-a", country: "GH", pathwayVersion: 1, closedAt: T0 },
      { caseId: "case-b", country: "GH", pathwayVersion: 1, closedAt: T0 },
    ]);
    expect(await repo().identificationOf("case-a")).toEqual({
      by: "police",
      region: "Volta",
      witness: "Kofi",
    });
    expect(
      await new PostgresRepositories(store.db, false, { keyring: undefined }).retention.identificationOf(
        "case-a",
      ),
    ).toBeUndefined();
  });

  it("erases every personal value and the salt; a copy taken before no longer opens", async () => {
    const [before] = await store.db.select().from(casePersonal).where(eq(casePersonal.caseId, "case-a"));
    await store.db.transaction((tx) =>
      new PostgresRepositories(tx, true, { keyring }).retention.erase("case-a", {
        by: "police",
        region: "Volta",
      }),
    );
    const [after] = await store.db.select().from(casePersonal).where(eq(casePersonal.caseId, "case-a"));
    expect(after).toEqual({
      caseId: "case-a",
      person: "{}",
      identification: JSON.stringify({ by: "police", region: "Volta" }),
    });
    const [history] = await store.db.select().from(caseHistory).where(eq(caseHistory.caseId, "case-a"));
    expect(history?.personalData).toBeNull();
    const [consent] = await store.db.select().from(consents).where(eq(consents.caseId, "case-a"));
    expect([consent?.guardian, consent?.purpose]).toEqual([null, null]);
    const [action] = await store.db.select().from(taskActions).where(eq(taskActions.caseId, "case-a"));
    expect(action?.reason).toBeNull();
    expect(await store.db.select().from(caseKeys).where(eq(caseKeys.caseId, "case-a"))).toEqual([]);
    const codec = await codecOfCase(store.db, keyring, "case-a");
    expect(() => codec.decode(aad.person("case-a"), before!.person)).toThrow();
    // The other cases are untouched; the erased one is no longer listed.
    expect((await repo().closedWithPersonalData()).map((c) => c.caseId)).toEqual(["case-b"]);
    const [other] = await store.db
      .select({ stage: cases.stage })
      .from(cases)
      .where(eq(cases.id, "case-open"));
    expect(other?.stage).toBe("identification");
    expect(await repo().identificationOf("case-b")).toMatchObject({ witness: "Kofi" });
  });
});
