/**
 * Case writes on PostgreSQL: an event committed under compare-and-swap from two instances at once
 * (two pools, separate connections) — exactly one wins, the other is stale, revisions and history
 * stay gap-free, the audit chain stays one valid chain — and an event's effects. Real PostgreSQL,
 * a database of its own.
 */
import type { ScheduledEscalation } from "@passerelle/engine";
import { asc, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateDataKey } from "../../crypto/data-key.ts";
import { Keyring } from "../../crypto/keyring.ts";
import type { AuditDraft } from "../audit-repository.ts";
import type { EventCommit } from "../case-store.ts";
import type { CaseAggregate, NewCase, TransitionWrite } from "../records.ts";
import { transitionTo } from "../testing-transition.ts";
import { type CaseCommitDependencies, commitEventRows, createCaseRows } from "./case-commits.ts";
import { readCaseAggregate, readHistory } from "./case-reads.ts";
import { migratePostgres, type OpenPostgres, openPostgres } from "./open.ts";
import { caseGrants, caseHistory, casePersonal, cases, consents, notices, tasks } from "./schema/index.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";
import { appendAudit, verifyAuditChain } from "./testing-audit-chain.ts";

let database: TestDatabase;
let first: OpenPostgres;
let second: OpenPostgres;
const keyring = new Keyring(generateDataKey());
const deps: CaseCommitDependencies = { keyring };
beforeAll(async () => {
  database = await createTestDatabase();
  first = openPostgres(database.url);
  second = openPostgres(database.url);
  await migratePostgres(first.pool);
});
afterAll(async () => {
  await first?.pool.end();
  await second?.pool.end();
  await database?.drop();
});

const T0 = "2026-03-02T09:00:00.000Z";
const transition = (state: string, extra: Partial<TransitionWrite> = {}) => transitionTo(state, T0, extra);
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const draft: AuditDraft = {
  actorUserId: "user-1",
  actorAgencyId: "GH:police",
  actorRole: "caseworker",
  tokenId: null,
  action: "case.event",
  targetType: "case",
  targetId: null,
  outcome: "allowed",
  reason: null,
  ip: null,
  requestId: null,
  details: { event: "x" },
};

async function openCase(id: string): Promise<void> {
  const input: NewCase = {
    id,
    country: "GH",
    pathwayVersion: 1,
    assignee: null,
    agency: "police",
    person: { name: "Ama Mensah", sex: "female" },
    identification: { by: "police" },
    ageBand: "18-20",
    opening: transition("identification.screening"),
  };
  await first.db.transaction(async (tx) => {
    // As the case service does: the audit entry first, then the write linking to it.
    const entry = await appendAudit(tx, { ...draft, action: "case.create", targetId: id }, keyring.auditKey);
    await createCaseRows(tx, input, entry.seq, deps);
  });
}

/** The case as a service instance read it before deciding. */
async function base(id: string): Promise<CaseAggregate> {
  const [row] = await first.db.select().from(cases).where(eq(cases.id, id));
  return {
    case: { ...row!, snapshot: JSON.parse(row!.snapshot), person: {}, identification: {} },
    openTasks: [],
    consents: [],
  };
}

/** An event committed as the case service does: its audit entry first, in the same transaction. */
const commit = (db: OpenPostgres, c: Omit<EventCommit, "auditSeq">, audit?: AuditDraft) =>
  db.db.transaction(async (tx) => {
    const entry = audit
      ? await appendAudit(tx, { ...audit, targetId: c.base.case.id }, keyring.auditKey)
      : null;
    return commitEventRows(tx, { ...c, auditSeq: entry?.seq ?? null }, deps);
  });

describe("case writes on PostgreSQL", () => {
  it("of two instances committing an event on one case at once, exactly one wins", async () => {
    await openCase("case-race");
    for (let round = 0; round < 10; round++) {
      const from = await base("case-race");
      const event = (state: string) => ({
        base: from,
        write: transition(state),
        actor: "user-1",
        at: at(round + 1),
      });
      const results = await Promise.all([
        commit(first, event("identification.a"), draft),
        commit(second, event("assessment.b"), draft),
      ]);
      const statuses = results.map((r) => r.status).sort();
      expect(statuses, `round ${round}`).toEqual(["applied", "stale"]);
      expect(results.find((r) => r.status === "stale")).toEqual({
        status: "stale",
        currentRevision: round + 2,
      });
    }
    const [row] = await first.db
      .select({ revision: cases.revision })
      .from(cases)
      .where(eq(cases.id, "case-race"));
    expect(row?.revision).toBe(11);
    const seqs = await first.db
      .select({ seq: caseHistory.seq, auditSeq: caseHistory.auditSeq })
      .from(caseHistory)
      .where(eq(caseHistory.caseId, "case-race"))
      .orderBy(asc(caseHistory.seq));
    expect(seqs.map((s) => s.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(seqs.every((s) => s.auditSeq !== null)).toBe(true);
    // One entry for the opening and one per attempt (the stale one committed its entry too): one chain.
    expect(await verifyAuditChain(first.db, keyring.auditKey)).toMatchObject({ ok: true, checked: 21 });
  });

  it("answers notFound for a case that does not exist", async () => {
    const missing = await base("case-race");
    missing.case = { ...missing.case, id: "case-missing" };
    expect(await commit(first, { base: missing, write: transition("x.y"), actor: "u", at: T0 })).toEqual({
      status: "notFound",
    });
  });

  it("writes an event's effects: tasks, cancellations, sealed consent, ended grants, notice, next due time", async () => {
    await openCase("case-fx");
    const ladder: ScheduledEscalation[] = [{ step: 0, at: at(60), notify: { role: "caseworker" } }];
    const schedule = (key: string, state: string, due: string) => ({
      key,
      taskId: key,
      kind: "deadline",
      state,
      due,
      assignee: { role: "caseworker" },
      escalation: ladder,
      label: { en: key },
      occurrence: 1,
      firstRung: { nextStep: 0, nextAt: at(60) },
    });
    await commit(first, {
      base: await base("case-fx"),
      write: transition("identification.screening", {
        schedule: [
          schedule("old", "identification.screening", at(30)) as TransitionWrite["schedule"][number],
        ],
      }),
      actor: "user-1",
      at: at(1),
    });
    await first.db.insert(caseGrants).values([
      { caseId: "case-fx", agencyId: "GH:shelter", grantedAt: T0, grantedBy: "u", basis: "consent" },
      { caseId: "case-fx", agencyId: "NG:ngo", grantedAt: T0, grantedBy: "u", basis: "consent" },
      { caseId: "case-fx", agencyId: "TG:court", grantedAt: T0, grantedBy: "u", basis: "bestInterests" },
    ]);
    const result = await commit(first, {
      base: await base("case-fx"),
      write: transition("assessment.review", {
        cancelStates: ["identification.screening"],
        schedule: [schedule("new", "assessment.review", at(90)) as TransitionWrite["schedule"][number]],
        consents: [
          {
            scope: "crossBorderTransfer",
            given: false,
            method: "verbal",
            at: at(2),
            actor: "user-1",
            guardian: { name: "Kofi Mensah", relationship: "father" },
            purpose: "Told about transfer abroad",
          } as TransitionWrite["consents"][number],
        ],
        endGrants: [{ grants: "crossBorder", at: at(2) }],
        notices: [{ state: "assessment.review", role: "supervisor", agency: null, label: { en: "Review" } }],
      }),
      actor: "user-2",
      at: at(2),
    });
    expect(result).toEqual({ status: "applied", revision: 3 });

    const taskRows = await first.db
      .select()
      .from(tasks)
      .where(eq(tasks.caseId, "case-fx"))
      .orderBy(asc(tasks.key));
    expect(taskRows.map((t) => [t.key, t.status, t.nextAt])).toEqual([
      ["new", "open", at(60)],
      ["old", "cancelled", at(60)],
    ]);
    const [c] = await first.db.select().from(cases).where(eq(cases.id, "case-fx"));
    expect(c).toMatchObject({
      stage: "assessment",
      state: "assessment.review",
      nextDueAt: at(90),
      revision: 3,
    });
    const [consent] = await first.db.select().from(consents).where(eq(consents.caseId, "case-fx"));
    expect(consent).toMatchObject({ given: false, scope: "crossBorderTransfer" });
    expect(`${consent?.guardian} ${consent?.purpose}`).not.toMatch(/Kofi|transfer abroad/);
    const grants = await first.db
      .select()
      .from(caseGrants)
      .where(eq(caseGrants.caseId, "case-fx"))
      .orderBy(asc(caseGrants.id));
    expect(grants.map((g) => [g.agencyId, g.revokeReason])).toEqual([
      ["GH:shelter", null],
      ["NG:ngo", "consentWithdrawn"],
      ["TG:court", null],
    ]);
    expect(
      await first.db.select({ state: notices.state }).from(notices).where(eq(notices.caseId, "case-fx")),
    ).toEqual([{ state: "assessment.review" }]);
    const [history] = await first.db
      .select()
      .from(caseHistory)
      .where(eq(caseHistory.caseId, "case-fx"))
      .orderBy(asc(caseHistory.seq));
    expect(JSON.parse(history!.data)).toEqual({ code: "A" });
    expect(history?.personalData).toMatch(/^pse/);
    const [personal] = await first.db.select().from(casePersonal).where(eq(casePersonal.caseId, "case-fx"));
    expect(JSON.stringify(personal)).not.toContain("Ama");
  });

  it("reads the case back: personal values opened, open tasks, consents, history with personal fields", async () => {
    const aggregate = await readCaseAggregate(first.db, keyring, "case-fx");
    expect(aggregate?.case).toMatchObject({
      id: "case-fx",
      revision: 3,
      stage: "assessment",
      nextDueAt: at(90),
    });
    expect(aggregate?.case.person).toEqual({ name: "Ama Mensah", sex: "female" });
    expect(aggregate?.case.identification).toEqual({ by: "police" });
    expect(aggregate?.openTasks.map((t) => t.key)).toEqual(["new"]);
    expect(aggregate?.consents).toEqual([
      {
        scope: "crossBorderTransfer",
        given: false,
        method: "verbal",
        at: at(2),
        actor: "user-1",
        guardian: { name: "Kofi Mensah", relationship: "father" },
        purpose: "Told about transfer abroad",
      },
    ]);
    const history = await readHistory(first.db, keyring, "case-fx");
    expect(history.map((h) => [h.seq, h.actor, h.at])).toEqual([
      [1, "user-1", T0],
      [2, "user-1", at(1)],
      [3, "user-2", at(2)],
    ]);
    expect(history[2]?.data).toEqual({ code: "A", note: "private words" });
    expect(await readCaseAggregate(first.db, keyring, "case-none")).toBeUndefined();
  });
});
