/**
 * A person's name never appears in a `pg_dump` of the PostgreSQL store: a case is opened with a
 * person, an event carrying a personal field, a consent with a guardian and a task action with a
 * reason, then the whole database is dumped with the real `pg_dump` and searched. Sealed values
 * only; the statistics' clear attributes (sex) do appear. Real PostgreSQL, a database of its own.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataKey } from "../../crypto/data-key.ts";
import { Keyring } from "../../crypto/keyring.ts";
import type { TransitionWrite } from "../records.ts";
import { commitEventRows, createCaseRows } from "./case-commits.ts";
import { readCaseAggregate } from "./case-reads.ts";
import { migratePostgres, type OpenPostgres, openPostgres } from "./open.ts";
import { PostgresRepositories } from "./postgres-repositories.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

const run = promisify(execFile);
let database: TestDatabase;
let store: OpenPostgres;
const keyring = new Keyring(generateDataKey());
const deps = { keyring };
beforeAll(async () => {
  database = await createTestDatabase();
  store = openPostgres(database.url);
  await migratePostgres(store.pool);
});
afterAll(async () => {
  await store?.pool.end();
  await database?.drop();
});

const T0 = "2026-03-02T09:00:00.000Z";
const write = (state: string, extra: Partial<TransitionWrite> = {}): TransitionWrite => ({
  snapshot: { state, facts: {}, enteredAt: {} } as unknown as TransitionWrite["snapshot"],
  stage: state.split(".")[0]!,
  state,
  outcome: null,
  history: {
    eventType: "interview",
    data: { summary: "Abena Owusu-Boateng described the recruiter", code: "I1" },
    personalFields: ["summary"],
    fromState: null,
    toState: state,
    actor: "user-1",
    at: T0,
  },
  schedule: [],
  cancelStates: [],
  consents: [],
  endGrants: [],
  ...extra,
});

describe("pg_dump of the PostgreSQL store", () => {
  it("holds no person's name, in any table", async () => {
    await store.db.transaction((tx) =>
      createCaseRows(
        tx,
        {
          id: "case-dump",
          country: "GH",
          pathwayVersion: 1,
          assignee: null,
          agency: "police",
          person: { name: "Abena Owusu-Boateng", sex: "female", phone: "+233 20 000 0000" },
          identification: { by: "Kwabena Asante-Darko" },
          ageBand: "18-20",
          opening: write("identification.screening"),
        },
        null,
        deps,
      ),
    );
    const base = (await readCaseAggregate(store.db, keyring, "case-dump"))!;
    await store.db.transaction(async (tx) => {
      await commitEventRows(
        tx,
        {
          base,
          write: write("identification.interview", {
            consents: [
              {
                scope: "referral",
                given: true,
                method: "written",
                at: T0,
                actor: "user-1",
                guardian: { name: "Yaw Owusu-Boateng", relationship: "uncle" },
                purpose: "Referral to Abena's shelter",
              } as TransitionWrite["consents"][number],
            ],
          }),
          actor: "user-1",
          at: T0,
          auditSeq: null,
        },
        deps,
      );
      await new PostgresRepositories(tx, true, { keyring }).tasks.recordAction({
        taskId: "task-1",
        caseId: "case-dump",
        action: "snooze",
        actor: "user-1",
        reason: "Abena Owusu-Boateng is in hospital",
        detail: {},
        at: T0,
      });
    });
    const url = new URL(database.url);
    const { stdout } = await run(
      "pg_dump",
      [
        "-h",
        url.hostname,
        "-p",
        url.port || "5432",
        "-U",
        decodeURIComponent(url.username),
        "--data-only",
        database.name,
      ],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    // The dump holds the rows (the test can fail): the case id and the clear attribute are there.
    expect(stdout).toContain("case-dump");
    expect(stdout).toContain("female");
    for (const personal of [
      "Abena",
      "Owusu",
      "Boateng",
      "Kwabena",
      "Asante",
      "Yaw",
      "+233",
      "hospital",
      "recruiter",
    ])
      expect(stdout, personal).not.toContain(personal);
  });
});
