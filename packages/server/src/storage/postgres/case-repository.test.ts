/**
 * The case repository as a contract: the same assertions on the SQLite store and on PostgreSQL,
 * each test on a store of its own (a fresh file, a fresh database). Opening a case, committing an
 * event under compare-and-swap, history, completing tasks, and the need-to-know lists must answer
 * the same on both; personal values must be sealed at rest on both.
 */
import type { ScheduledEscalation } from "@passerelle/engine";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { generateDataKey } from "../../crypto/data-key.ts";
import { Keyring } from "../../crypto/keyring.ts";
import type { CaseFilter, TaskFilter } from "../case-store.ts";
import type { CaseAggregate, NewCase, TransitionWrite } from "../records.ts";
import type { Repositories } from "../storage.ts";
import { CONTRACT_STORES, type ContractStore } from "../testing-contract-stores.ts";
import { transitionTo } from "../testing-transition.ts";

const T0 = "2026-03-02T09:00:00.000Z";
const transition = (state: string, extra: Partial<TransitionWrite> = {}) => transitionTo(state, T0, extra);
const at = (minutes: number) => new Date(Date.parse(T0) + minutes * 60_000).toISOString();
const keyring = new Keyring(generateDataKey());

type Scheduled = TransitionWrite["schedule"][number];

function scheduled(key: string, state: string, due: string, assignee: Scheduled["assignee"]): Scheduled {
  const ladder: ScheduledEscalation[] = [{ step: 0, at: due, notify: { role: assignee.role } }];
  return {
    key,
    taskId: key,
    kind: "deadline" as Scheduled["kind"],
    state,
    due,
    assignee,
    escalation: ladder,
    label: { en: key },
    occurrence: 1,
    firstRung: { nextStep: 0, nextAt: due },
  };
}

function newCase(
  id: string,
  fields: { country?: string; agency?: string | null; assignee?: string; opening?: TransitionWrite } = {},
): NewCase {
  return {
    id,
    country: fields.country ?? "GH",
    pathwayVersion: 1,
    assignee: fields.assignee ?? null,
    agency: fields.agency === undefined ? "police" : fields.agency,
    person: { name: "Ama Mensah", sex: "female" },
    identification: { by: "police", document: "GH-123456" },
    ageBand: "18-20",
    opening: fields.opening ?? transition("identification.screening"),
  };
}

/** The case's fields without its personal values (accessors, compared on their own). */
const fieldsOf = (a: CaseAggregate | undefined) => a && { ...a.case };

describe.each(CONTRACT_STORES)("cases on $dialect", ({ open }) => {
  let store: ContractStore;
  beforeEach(async () => {
    store = await open(keyring);
  });
  afterEach(async () => {
    await store?.close();
  });
  const create = (input: NewCase) => store.transaction((tx) => tx.cases.create(input, null));

  it("opens a case and reads it back, its person sealed at rest", async () => {
    const opening = transition("identification.screening", {
      schedule: [
        scheduled("late", "identification.screening", at(30), { role: "caseworker" }),
        scheduled("soon", "identification.screening", at(10), { role: "supervisor", agency: "police" }),
      ],
    });
    const created = await create(newCase("case_01", { assignee: "cw-1", opening }));
    expect(fieldsOf(created)).toEqual({
      id: "case_01",
      country: "GH",
      pathwayVersion: 1,
      stage: "identification",
      state: "identification.screening",
      snapshot: opening.snapshot,
      revision: 1,
      assignee: "cw-1",
      agency: "police",
      nextDueAt: at(10),
      createdAt: T0,
      updatedAt: T0,
      outcome: null,
    });
    expect(created.case.person).toEqual({ name: "Ama Mensah", sex: "female" });
    expect(created.openTasks.map((t) => [t.key, t.status, t.dueAt, t.assignee])).toEqual([
      ["soon", "open", at(10), { role: "supervisor", agency: "police" }],
      ["late", "open", at(30), { role: "caseworker" }],
    ]);
    expect(created.consents).toEqual([]);

    const read = await store.reads.cases.get("case_01");
    expect(fieldsOf(read)).toEqual(fieldsOf(created));
    expect(read?.case.person).toEqual({ name: "Ama Mensah", sex: "female" });
    expect(read?.case.identification).toEqual({ by: "police", document: "GH-123456" });
    expect(read?.openTasks).toEqual(created.openTasks);
    expect(await store.reads.cases.get("case_none")).toBeUndefined();

    const [personal] = await store.rows("SELECT person, identification FROM case_personal");
    expect(String(personal?.person)).toMatch(/^pse/);
    expect(JSON.stringify(personal)).not.toMatch(/Ama|Mensah|GH-123456/);
    const [history] = await store.rows("SELECT data, personal_data FROM case_history");
    expect(JSON.parse(String(history?.data))).toEqual({ code: "A" });
    expect(String(history?.personal_data)).toMatch(/^pse/);
    expect(JSON.stringify(history)).not.toContain("private words");
  });

  it("commits an event: the aggregate as it left the case, stale from an old base, notFound", async () => {
    await create(
      newCase("case_ev", {
        opening: transition("identification.screening", {
          schedule: [scheduled("old", "identification.screening", at(30), { role: "caseworker" })],
        }),
      }),
    );
    const base = (await store.reads.cases.get("case_ev"))!;
    const consent = {
      scope: "crossBorderTransfer" as const,
      given: false,
      method: "verbal",
      interpreterUsed: true,
      at: at(2),
      actor: "user-2",
      guardian: { name: "Kofi Mensah", relationship: "father" },
      purpose: "Told about transfer abroad",
    };
    const write = transition("assessment.review", {
      cancelStates: ["identification.screening"],
      schedule: [scheduled("new", "assessment.review", at(90), { role: "supervisor" })],
      consents: [consent],
      notices: [{ state: "assessment.review", role: "supervisor", agency: null, label: { en: "Review" } }],
    });
    const applied = await store.transaction((tx) =>
      tx.cases.commitEvent({ base, write, actor: "user-2", at: at(2), auditSeq: null }),
    );
    expect(applied.status).toBe("applied");
    const after = applied.status === "applied" ? applied.aggregate : undefined;
    expect(fieldsOf(after)).toMatchObject({
      revision: 2,
      stage: "assessment",
      state: "assessment.review",
      snapshot: write.snapshot,
      updatedAt: at(2),
      createdAt: T0,
      nextDueAt: at(90),
    });
    expect(after?.case.person).toEqual({ name: "Ama Mensah", sex: "female" });
    expect(after?.openTasks.map((t) => t.key)).toEqual(["new"]);
    expect(after?.consents).toEqual([consent]);

    // What the commit answered is what a read finds.
    const read = await store.reads.cases.get("case_ev");
    expect(fieldsOf(read)).toEqual(fieldsOf(after));
    expect(read?.openTasks).toEqual(after?.openTasks);
    expect(read?.consents).toEqual(after?.consents);
    const [stored] = await store.rows("SELECT guardian, purpose FROM consents");
    expect(JSON.stringify(stored)).not.toMatch(/Kofi|transfer abroad/);

    // An event that opens and cancels nothing keeps the tasks and consents it was decided from.
    const quiet = await store.transaction((tx) =>
      tx.cases.commitEvent({
        base: read!,
        write: transition("assessment.interview"),
        actor: "user-3",
        at: at(3),
        auditSeq: null,
      }),
    );
    expect(quiet.status === "applied" && quiet.aggregate.openTasks).toEqual(after?.openTasks);
    expect(quiet.status === "applied" && quiet.aggregate.case).toMatchObject({
      revision: 3,
      stage: "assessment",
      state: "assessment.interview",
      nextDueAt: at(90),
    });

    // From the old base: the case moved on, nothing is written.
    const stale = await store.transaction((tx) =>
      tx.cases.commitEvent({ base, write, actor: "user-2", at: at(4), auditSeq: null }),
    );
    expect(stale).toEqual({ status: "stale", currentRevision: 3 });
    const missing = { ...base, case: { ...base.case, id: "case_none" } };
    expect(
      await store.transaction((tx) =>
        tx.cases.commitEvent({ base: missing, write, actor: "user-2", at: at(4), auditSeq: null }),
      ),
    ).toEqual({ status: "notFound" });
    expect((await store.reads.cases.history("case_ev")).map((h) => h.seq)).toEqual([1, 2, 3]);
    expect((await store.reads.cases.get("case_ev"))?.case.revision).toBe(3);
  });

  it("answers the history in order: actor and instant of each commit, personal fields opened", async () => {
    await create(newCase("case_h"));
    let base = (await store.reads.cases.get("case_h"))!;
    for (const [minutes, state] of [
      [1, "identification.interview"],
      [2, "assessment.review"],
    ] as const) {
      const result = await store.transaction((tx) =>
        tx.cases.commitEvent({
          base,
          write: transition(state, {
            history: { ...transition(state).history, fromState: base.case.state, data: { code: state } },
          }),
          actor: `user-${minutes + 1}`,
          at: at(minutes),
          auditSeq: null,
        }),
      );
      if (result.status !== "applied") throw new Error(`event not applied: ${result.status}`);
      base = result.aggregate;
    }
    expect(await store.reads.cases.history("case_h")).toEqual([
      {
        seq: 1,
        eventType: "advance",
        data: { note: "private words", code: "A" },
        personalFields: ["note"],
        fromState: null,
        toState: "identification.screening",
        actor: "user-1",
        at: T0,
        pathwayVersion: 1,
      },
      {
        seq: 2,
        eventType: "advance",
        data: { code: "identification.interview" },
        personalFields: ["note"],
        fromState: "identification.screening",
        toState: "identification.interview",
        actor: "user-2",
        at: at(1),
        pathwayVersion: 1,
      },
      {
        seq: 3,
        eventType: "advance",
        data: { code: "assessment.review" },
        personalFields: ["note"],
        fromState: "identification.interview",
        toState: "assessment.review",
        actor: "user-3",
        at: at(2),
        pathwayVersion: 1,
      },
    ]);
    expect(await store.reads.cases.history("case_none")).toEqual([]);
  });

  it("completes an open task once (notOpen after), its note sealed; notFound for no task", async () => {
    const created = await create(
      newCase("case_t", {
        opening: transition("identification.screening", {
          schedule: [
            scheduled("a", "identification.screening", at(10), { role: "caseworker" }),
            scheduled("b", "identification.screening", at(20), { role: "caseworker" }),
          ],
        }),
      }),
    );
    const [a, b] = created.openTasks;
    const done = await store.transaction((tx) =>
      tx.cases.completeTask(a!.id, { note: "Met the family at home", actor: "cw-1", at: at(5) }),
    );
    expect(done).toEqual({
      status: "completed",
      task: { ...a, status: "done", completedAt: at(5), hasNote: true },
    });
    expect((await store.reads.cases.get("case_t"))?.case.nextDueAt).toBe(at(20));
    expect(
      await store.transaction((tx) => tx.cases.completeTask(a!.id, { actor: "cw-2", at: at(6) })),
    ).toEqual({ status: "notOpen", task: { ...a, status: "done", completedAt: at(5), hasNote: true } });
    expect(
      await store.transaction((tx) => tx.cases.completeTask("task_none", { actor: "cw-2", at: at(6) })),
    ).toEqual({ status: "notFound" });

    const second = await store.transaction((tx) =>
      tx.cases.completeTask(b!.id, { actor: "cw-2", at: at(7) }),
    );
    expect(second).toMatchObject({ status: "completed", task: { hasNote: false, completedAt: at(7) } });
    expect((await store.reads.cases.get("case_t"))?.case.nextDueAt).toBeNull();

    expect(await store.reads.cases.taskNotes("case_t")).toEqual([
      { taskId: a!.id, note: "Met the family at home" },
    ]);
    const notes = await store.rows("SELECT note FROM tasks WHERE note IS NOT NULL");
    expect(notes).toHaveLength(1);
    expect(String(notes[0]?.note)).toMatch(/^pse/);
    expect(JSON.stringify(notes)).not.toContain("family");
  });

  it("completes a task once when two transactions complete it at once", async () => {
    const keys = ["a", "b", "c", "d", "e"];
    const created = await create(
      newCase("case_race", {
        opening: transition("identification.screening", {
          schedule: keys.map((k, i) =>
            scheduled(k, "identification.screening", at(10 + i), { role: "caseworker" }),
          ),
        }),
      }),
    );
    for (const t of created.openTasks) {
      const results = await Promise.all(
        ["cw-1", "cw-2"].map((actor) =>
          store.transaction((tx) => tx.cases.completeTask(t.id, { note: actor, actor, at: at(5) })),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual(["completed", "notOpen"]);
      // The note kept is the one of the actor recorded: the other transaction wrote nothing.
      const [row] = await store.rows(`SELECT actor FROM tasks WHERE id = '${t.id}'`);
      const notes = await store.reads.cases.taskNotes("case_race");
      expect(notes.find((n) => n.taskId === t.id)?.note).toBe(row?.actor);
    }
  });

  it("reads a case whole: open tasks by due time then id, every consent in order, or none of either", async () => {
    await create(newCase("case_bare"));
    const bare = await store.reads.cases.get("case_bare");
    expect(bare?.openTasks).toStrictEqual([]);
    expect(bare?.consents).toStrictEqual([]);

    // Keys sort one way, due times another, and the tie on `due` must fall to the id: `z` is
    // created a few milliseconds before `m` (ids are time-ordered), so it comes first although its
    // key is later.
    const due = at(10);
    const created = await create(
      newCase("case_whole", {
        opening: transition("identification.screening", {
          schedule: [
            scheduled("a", "identification.screening", at(30), { role: "caseworker" }),
            scheduled("z", "identification.screening", due, { role: "supervisor", agency: "police" }),
          ],
        }),
      }),
    );
    await new Promise((resolve) => setTimeout(resolve, 5));
    const consents = [
      {
        scope: "crossBorderTransfer" as const,
        given: true,
        method: "written",
        interpreterUsed: false,
        at: at(1),
        actor: "user-2",
        guardian: { name: "Kofi Mensah", relationship: "father" },
        purpose: "Told about transfer abroad",
      },
      { scope: "dataSharing" as const, given: false, method: "verbal", at: at(1), actor: "user-2" },
    ];
    const applied = await store.transaction((tx) =>
      tx.cases.commitEvent({
        base: created,
        write: transition("identification.interview", {
          schedule: [scheduled("m", "identification.interview", due, { role: "caseworker" })],
          consents,
        }),
        actor: "user-2",
        at: at(1),
        auditSeq: null,
      }),
    );
    if (applied.status !== "applied") throw new Error(`event not applied: ${applied.status}`);

    const read = (await store.reads.cases.get("case_whole"))!;
    expect(read.openTasks.map((t) => t.key)).toEqual(["z", "m", "a"]);
    expect(read.openTasks[0]!.id < read.openTasks[1]!.id).toBe(true);
    expect(read.openTasks).toStrictEqual(applied.aggregate.openTasks);
    expect(read.openTasks[0]).toStrictEqual({
      id: read.openTasks[0]!.id,
      caseId: "case_whole",
      key: "z",
      taskId: "z",
      kind: "deadline",
      state: "identification.screening",
      status: "open",
      dueAt: due,
      assignee: { role: "supervisor", agency: "police" },
      escalation: [{ step: 0, at: due, notify: { role: "supervisor" } }],
      label: { en: "z" },
      occurrence: 1,
      createdAt: T0,
      completedAt: null,
      hasNote: false,
    });
    expect(read.consents).toStrictEqual(consents);
    expect(read.case.person).toEqual({ name: "Ama Mensah", sex: "female" });
    expect(read.case.revision).toBe(2);
  });

  it("refuses writes outside a transaction", async () => {
    await expect(store.reads.cases.create(newCase("case_x"), null)).rejects.toThrow();
    const created = await create(
      newCase("case_y", {
        opening: transition("identification.screening", {
          schedule: [scheduled("a", "identification.screening", at(10), { role: "caseworker" })],
        }),
      }),
    );
    await expect(
      store.reads.cases.commitEvent({
        base: created,
        write: transition("assessment.review"),
        actor: "u",
        at: at(1),
        auditSeq: null,
      }),
    ).rejects.toThrow();
    await expect(
      store.reads.cases.completeTask(created.openTasks[0]!.id, { actor: "u", at: at(1) }),
    ).rejects.toThrow();
    expect(await store.reads.cases.get("case_x")).toBeUndefined();
    expect(await store.reads.cases.get("case_y")).toMatchObject({
      case: { revision: 1 },
      openTasks: [{ status: "open" }],
    });
  });

  describe("lists", () => {
    // Ids sort in time order; owned and referred cases interleave (as in the SQLite list test).
    const NOW = "2026-06-01T00:00:00.000Z";
    const viewer = { country: "GH", agency: "mogcsp", agencyKey: "GH:mogcsp" };
    /** Task ids by key (ids are random within a millisecond: expected orders are computed from them). */
    let task: Record<string, string>;

    async function seed(tx: Repositories) {
      const openCase = async (
        id: string,
        fields: { country: string; agency: string | null; stage?: string; assignee?: string },
        tasks: Scheduled[] = [],
      ) => {
        const state = `${fields.stage ?? "screening"}.x`;
        const created = await tx.cases.create(
          newCase(id, {
            country: fields.country,
            agency: fields.agency,
            ...(fields.assignee !== undefined && { assignee: fields.assignee }),
            opening: transition(state, { schedule: tasks.map((t) => ({ ...t, state })) }),
          }),
          null,
        );
        for (const t of created.openTasks) task[t.key] = t.id;
      };
      const due = (key: string, day: string, assignee: Scheduled["assignee"]) =>
        scheduled(key, "", `2026-${day}T00:00:00.000Z`, assignee);
      await openCase("case_01", { country: "GH", agency: "mogcsp" });
      await openCase("case_02", { country: "NG", agency: "naptip", stage: "shelter" });
      await openCase("case_03", { country: "GH", agency: "mogcsp", stage: "shelter", assignee: "cw-1" }, [
        due("k3", "05-10", { role: "caseworker", agency: "mogcsp" }),
      ]);
      await openCase("case_04", { country: "GH", agency: "police", assignee: "cw-2" }, [
        due("k4", "05-01", { role: "caseworker", agency: "police" }),
      ]);
      await openCase("case_05", { country: "GH", agency: "mogcsp", assignee: "cw-2" }, [
        due("k5", "07-01", { role: "supervisor" }),
      ]);
      await openCase("case_06", { country: "GH", agency: "police", assignee: "cw-1" }, [
        due("k6", "06-15", { role: "caseworker", agency: "police" }),
      ]);
      await openCase("case_07", { country: "GH", agency: "mogcsp", assignee: "cw-2" }, [
        due("k7", "05-15", { role: "caseworker", agency: "mogcsp" }),
      ]);
      await openCase("case_08", { country: "NG", agency: "naptip" }, [
        due("k8", "05-20", { role: "caseworker", agency: "naptip" }),
      ]);
      await openCase("case_09", { country: "GH", agency: null });
      const grant = (caseId: string, agencyId: string) =>
        tx.grants.insert({
          caseId,
          agencyId,
          grantedAt: NOW,
          grantedBy: "u",
          basis: "consent",
          purpose: "p",
          scopes: ["referral"],
          decidedBy: null,
          decisionGrounds: null,
        });
      await grant("case_02", "GH:mogcsp");
      // Referred twice: listed once.
      await grant("case_04", "GH:mogcsp");
      await grant("case_04", "GH:mogcsp");
      const revoked = await grant("case_06", "GH:mogcsp");
      await tx.grants.revoke("case_06", revoked.id, { at: NOW, userId: "u", reason: "serviceCompleted" });
      await grant("case_08", "GH:police");
      // A grant to the owner itself does not list the case twice.
      await grant("case_05", "GH:mogcsp");
    }

    beforeEach(async () => {
      task = {};
      await store.transaction(seed);
      // The task of case_03 is done: neither open nor overdue.
      await store.transaction((tx) => tx.cases.completeTask(task.k3!, { actor: "cw-1", at: NOW }));
    });

    const visible = async (filter: Partial<CaseFilter>) =>
      (await store.reads.cases.list({ visibleTo: viewer, now: NOW, limit: 50, ...filter })).map((c) => c.id);
    const all = async (filter: Partial<CaseFilter>) =>
      (await store.reads.cases.list({ now: NOW, limit: 50, ...filter })).map((c) => c.id);
    const tasks = async (filter: Partial<TaskFilter>) =>
      (await store.reads.cases.listTasks({ now: NOW, limit: 50, ...filter })).map((t) => t.id);
    /** The ids of these tasks, newest first. */
    const newestFirst = (...keys: string[]) =>
      keys
        .map((k) => task[k]!)
        .sort()
        .reverse();

    it("list owned and referred cases newest first, each once; revoked and unrelated ones not at all", async () => {
      expect(await visible({})).toEqual(["case_07", "case_05", "case_04", "case_03", "case_02", "case_01"]);
    });

    it("page need-to-know lists with the keyset cursor, across owned and referred cases", async () => {
      const first = await visible({ limit: 4 });
      const second = await visible({ limit: 4, afterId: first.at(-1) });
      expect(first).toEqual(["case_07", "case_05", "case_04", "case_03"]);
      expect(second).toEqual(["case_02", "case_01"]);
      expect(await visible({ limit: 2, afterId: "case_04" })).toEqual(["case_03", "case_02"]);
    });

    it("apply country, stage, assignee and overdue to owned and referred cases alike", async () => {
      expect(await visible({ country: "NG" })).toEqual(["case_02"]);
      expect(await visible({ stage: "shelter" })).toEqual(["case_03", "case_02"]);
      expect(await visible({ assignee: "cw-1" })).toEqual(["case_03"]);
      expect(await visible({ overdue: true })).toEqual(["case_07", "case_04"]);
      expect(await visible({ overdue: false })).toEqual(["case_05", "case_03", "case_02", "case_01"]);
      expect(await visible({ assignee: "cw-2", overdue: true })).toEqual(["case_07", "case_04"]);
      expect(await visible({ assignee: "cw-2", overdue: false })).toEqual(["case_05"]);
      expect(await visible({ assignee: "cw-2", overdue: true, afterId: "case_07" })).toEqual(["case_04"]);
    });

    it("without need-to-know list every case, with the same filters and cursor", async () => {
      expect(await all({})).toEqual([
        "case_09",
        "case_08",
        "case_07",
        "case_06",
        "case_05",
        "case_04",
        "case_03",
        "case_02",
        "case_01",
      ]);
      expect(await all({ country: "NG" })).toEqual(["case_08", "case_02"]);
      expect(await all({ country: "GH", stage: "screening", limit: 3 })).toEqual([
        "case_09",
        "case_07",
        "case_06",
      ]);
      expect(await all({ overdue: true })).toEqual(["case_08", "case_07", "case_04"]);
      expect(await all({ assignee: "cw-1", afterId: "case_06" })).toEqual(["case_03"]);
      const summaries = await store.reads.cases.list({ now: NOW, limit: 1, afterId: "case_05" });
      expect(summaries).toEqual([
        {
          id: "case_04",
          country: "GH",
          pathwayVersion: 1,
          stage: "screening",
          state: "screening.x",
          revision: 1,
          assignee: "cw-2",
          agency: "police",
          nextDueAt: "2026-05-01T00:00:00.000Z",
          createdAt: T0,
          updatedAt: T0,
          outcome: null,
        },
      ]);
    });

    it("list tasks newest first by status, overdue, assignee, case, agency and country", async () => {
      expect(await tasks({})).toEqual(newestFirst("k3", "k4", "k5", "k6", "k7", "k8"));
      expect(await tasks({ status: "open" })).toEqual(newestFirst("k4", "k5", "k6", "k7", "k8"));
      expect(await tasks({ status: "done" })).toEqual([task.k3]);
      expect(await tasks({ overdue: true })).toEqual(newestFirst("k4", "k7", "k8"));
      expect(await tasks({ overdue: false })).toEqual(newestFirst("k3", "k5", "k6"));
      expect(await tasks({ assignee: "caseworker" })).toEqual(newestFirst("k3", "k4", "k6", "k7", "k8"));
      expect(await tasks({ assignee: "caseworker@mogcsp" })).toEqual(newestFirst("k3", "k7"));
      expect(await tasks({ caseId: "case_04" })).toEqual([task.k4]);
      expect(await tasks({ agency: "police", overdue: true })).toEqual([task.k4]);
      expect(await tasks({ country: "NG" })).toEqual([task.k8]);
      const [done] = await store.reads.cases.listTasks({ now: NOW, limit: 1, status: "done" });
      expect(done).toMatchObject({ caseId: "case_03", key: "k3", status: "done", completedAt: NOW });
    });

    it("list the tasks of cases owned or referred (live grants only), a page at a time", async () => {
      const mine = newestFirst("k3", "k4", "k5", "k7");
      expect(await tasks({ visibleTo: viewer })).toEqual(mine);
      const first = await tasks({ visibleTo: viewer, limit: 3 });
      expect(first).toEqual(mine.slice(0, 3));
      expect(await tasks({ visibleTo: viewer, limit: 3, afterId: first.at(-1) })).toEqual(mine.slice(3));
      expect(await tasks({ visibleTo: { country: "GH", agency: "police", agencyKey: "GH:police" } })).toEqual(
        newestFirst("k4", "k6", "k8"),
      );
    });
  });
});
