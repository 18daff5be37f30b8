/**
 * The write half of the PostgreSQL case store: a case opened, and an event committed under
 * compare-and-swap, each with its effects (history row, tasks, consents, ended grants, notices,
 * the case's next due time), inside the caller's transaction. The caller appends the audit entry
 * first in the same transaction and passes its seq, which the history row links to.
 *
 * Compare-and-swap across instances: `UPDATE cases … WHERE id = $1 AND revision = $expected`. At
 * READ COMMITTED a second writer of the same case waits for the first's row lock, then re-checks
 * its WHERE against the committed row: the revision has moved, it updates nothing and the event is
 * `stale` (409). Exactly one of two racing events wins, and history `seq` (= revision) has no gap.
 *
 * Lock order: the caller's audit append takes the chain's lock before the case row is swapped, and
 * holds it to the commit; a transaction that locks rows before appending its audit entry can
 * deadlock with it — PostgreSQL then aborts one, and `inTransaction` runs it again.
 *
 * These return the revision written; the repository (`case-repository.ts`) builds the aggregate
 * it answers with.
 */
import { randomBytes } from "node:crypto";
import { and, eq, sql } from "drizzle-orm";
import type { Keyring } from "../../crypto/keyring.ts";
import { aad, encodeText, type PersonalDataCodec, PlainCodec } from "../../crypto/personal-data-codec.ts";
import { newNoticeId, newTaskId } from "../../ids.ts";
import type { CompleteTaskResult, EventCommit } from "../case-store.ts";
import type { NewCase, TransitionWrite } from "../records.ts";
import { toTask } from "../sqlite/rows.ts";
import { codecOfCase, codecWithSalt } from "./case-codec.ts";
import { type CaseSwap, type CaseSwaps, swapOne } from "./case-swaps.ts";
import type { PgTx } from "./open.ts";
import {
  caseGrants,
  caseHistory,
  caseKeys,
  casePersonal,
  cases,
  consents,
  notices,
  tasks,
} from "./schema/index.ts";

export interface CaseCommitDependencies {
  /** The data keys; undefined only without protections (values stored plain). */
  keyring: Keyring | undefined;
}

export type CommitResult =
  | { status: "applied"; revision: number }
  | { status: "notFound" }
  | { status: "stale"; currentRevision: number };

/** `auditSeq`: the opening's audit entry, appended first in `tx` by the caller; the history row links to it. */
export async function createCaseRows(
  tx: PgTx,
  input: NewCase,
  auditSeq: number | null,
  deps: CaseCommitDependencies,
): Promise<void> {
  const w = input.opening;
  const at = w.history.at;
  await tx.insert(cases).values({
    id: input.id,
    country: input.country,
    pathwayVersion: input.pathwayVersion,
    stage: w.stage,
    state: w.state,
    snapshot: JSON.stringify(w.snapshot),
    revision: 1,
    assignee: input.assignee,
    agency: input.agency,
    // Reportable attributes stay in the clear (statistics); everything else about the person is sealed.
    sex: typeof input.person.sex === "string" ? input.person.sex : null,
    nationality: typeof input.person.nationality === "string" ? input.person.nationality : null,
    ageBand: input.ageBand,
    createdAt: at,
    updatedAt: at,
    outcome: w.outcome,
  });
  // The case's own key first (its salt): every personal value of the case is sealed under it.
  const salt = deps.keyring ? randomBytes(32) : undefined;
  if (salt) await tx.insert(caseKeys).values({ caseId: input.id, salt });
  const codec = codecWithSalt(deps.keyring, input.id, salt);
  await tx.insert(casePersonal).values({
    caseId: input.id,
    person: codec.encode(aad.person(input.id), input.person),
    identification: codec.encode(aad.identification(input.id), input.identification),
  });
  await tx
    .insert(caseHistory)
    .values(historyRow(codec, input.id, 1, input.pathwayVersion, w.history, auditSeq));
  await writeEffects(tx, async () => codec, input.id, w);
}

/**
 * The compare-and-swap and the history row are one statement (a writable CTE: the row is inserted
 * only if the swap updated the case), shared by the events of a batch that run together when
 * `swaps` is given (`case-swaps.ts`). Every write waits for the audit chain's lock held by its
 * batch, on every instance: round trips under it are the deployment's write ceiling
 * (docs/performance.md, the PostgreSQL store).
 */
export async function commitEventRows(
  tx: PgTx,
  commit: EventCommit,
  deps: CaseCommitDependencies,
  swaps?: CaseSwaps,
): Promise<CommitResult> {
  const { base, write: w, at } = commit;
  const caseId = base.case.id;
  const next = base.case.revision + 1;
  const codec = lazyCodec(tx, deps.keyring, caseId);
  const h = { ...w.history, actor: commit.actor, at };
  const history = historyRow(
    h.personalFields.length === 0 ? NO_PERSONAL_FIELDS : await codec(),
    caseId,
    next,
    base.case.pathwayVersion,
    h,
    commit.auditSeq,
  );
  const swap: CaseSwap = {
    caseId,
    expected: base.case.revision,
    stage: w.stage,
    state: w.state,
    snapshot: JSON.stringify(w.snapshot),
    at,
    outcome: w.outcome,
    history,
  };
  const swapped = swaps ? await swaps.swap(swap) : await swapOne(tx, swap);
  if (!swapped) {
    const [stored] = await tx.select({ revision: cases.revision }).from(cases).where(eq(cases.id, caseId));
    return stored ? { status: "stale", currentRevision: stored.revision } : { status: "notFound" };
  }
  await writeEffects(tx, codec, caseId, { ...w, history: h });
  return { status: "applied", revision: next };
}

/** The earliest due time of the case's open tasks, kept on the case row for `overdue`. */
const refreshNextDue = (caseId: string) =>
  sql`UPDATE cases SET next_due_at = (SELECT min(due_at) FROM tasks WHERE case_id = ${caseId} AND status = 'open') WHERE id = ${caseId}`;

/**
 * Completes an open task. The task row is read `FOR UPDATE`: of two instances completing it at
 * once, the second waits for the first's commit, then finds it done (`notOpen`) and writes nothing.
 */
export async function completeTaskRow(
  tx: PgTx,
  taskId: string,
  input: { note?: string; actor: string; at: string },
  deps: CaseCommitDependencies,
): Promise<CompleteTaskResult> {
  const found = await tx.execute<Record<string, unknown>>(
    sql`SELECT * FROM tasks WHERE id = ${taskId} FOR UPDATE`,
  );
  const row = found.rows[0];
  if (!row) return { status: "notFound" };
  if (row.status !== "open") return { status: "notOpen", task: toTask(row) };
  const caseId = row.case_id as string;
  // A note is free text: personal, sealed.
  const note =
    input.note === undefined
      ? null
      : encodeText(await codecOfCase(tx, deps.keyring, caseId), aad.taskNote(caseId, taskId), input.note);
  const updated = await tx.execute<Record<string, unknown>>(
    sql`UPDATE tasks SET status = 'done', completed_at = ${input.at}, actor = ${input.actor}, note = ${note} WHERE id = ${taskId} RETURNING *`,
  );
  await tx.execute(refreshNextDue(caseId));
  return { status: "completed", task: toTask(updated.rows[0]!) };
}

const pick = (data: Record<string, unknown>, keys: readonly string[], keep: boolean) =>
  Object.fromEntries(Object.entries(data).filter(([key]) => keys.includes(key) === keep));

/** The case's codec, its salt read the first time a value is sealed (most events seal none). */
function lazyCodec(tx: PgTx, keyring: Keyring | undefined, caseId: string): () => Promise<PersonalDataCodec> {
  let codec: Promise<PersonalDataCodec> | undefined;
  return () => {
    codec ??= codecOfCase(tx, keyring, caseId);
    return codec;
  };
}

/** A codec for a history row without personal fields: it seals nothing, so it needs no salt. */
const NO_PERSONAL_FIELDS = new PlainCodec();

/** The history row of the case's `seq`-th event; its personal fields leave `data` and are sealed. */
function historyRow(
  codec: PersonalDataCodec,
  caseId: string,
  seq: number,
  pathwayVersion: number,
  h: TransitionWrite["history"],
  auditSeq: number | null,
) {
  return {
    caseId,
    seq,
    eventType: h.eventType,
    data: JSON.stringify(h.personalFields.length === 0 ? h.data : pick(h.data, h.personalFields, false)),
    personalFields: JSON.stringify(h.personalFields),
    personalData:
      h.personalFields.length === 0
        ? null
        : codec.encode(aad.history(caseId, seq), pick(h.data, h.personalFields, true)),
    fromState: h.fromState,
    toState: h.toState,
    actor: h.actor,
    at: h.at,
    pathwayVersion,
    auditSeq,
  };
}

/** Cancelled and new tasks, consents, ended grants, notices and the next due time. */
async function writeEffects(
  tx: PgTx,
  codec: () => Promise<PersonalDataCodec>,
  caseId: string,
  w: TransitionWrite,
): Promise<void> {
  const h = w.history;
  for (const state of w.cancelStates)
    await tx
      .update(tasks)
      .set({ status: "cancelled", completedAt: h.at })
      .where(and(eq(tasks.caseId, caseId), eq(tasks.state, state), eq(tasks.status, "open")));
  if (w.schedule.length > 0)
    await tx.insert(tasks).values(
      w.schedule.map((task) => ({
        id: newTaskId(),
        caseId,
        key: task.key,
        taskId: task.taskId,
        kind: task.kind,
        state: task.state,
        status: "open" as const,
        dueAt: new Date(task.due).toISOString(),
        assignee: JSON.stringify(task.assignee),
        assigneeRole: task.assignee.role,
        assigneeAgency: task.assignee.agency ?? null,
        escalation: JSON.stringify(task.escalation),
        label: JSON.stringify(task.label),
        occurrence: task.occurrence,
        createdAt: h.at,
        // Delivery: the first rung of the ladder waits in the outbox for the relay.
        nextStep: task.firstRung.nextStep,
        nextAt: task.firstRung.nextAt,
      })),
    );
  for (const c of w.consents) {
    const sealing = await codec();
    await tx.insert(consents).values({
      caseId,
      scope: c.scope,
      given: c.given,
      method: c.method,
      interpreterUsed: c.interpreterUsed ?? null,
      at: c.at,
      actor: c.actor,
      guardian: c.guardian ? sealing.encode(aad.consentGuardian(caseId, c.at, c.scope), c.guardian) : null,
      // Free text told to the person: sealed like every free text.
      purpose:
        c.purpose === undefined
          ? null
          : encodeText(sealing, aad.consentPurpose(caseId, c.at, c.scope), c.purpose),
    });
  }
  for (const end of w.endGrants) {
    const live = and(
      eq(caseGrants.caseId, caseId),
      eq(caseGrants.basis, "consent"),
      sql`${caseGrants.revokedAt} IS NULL`,
    );
    await tx
      .update(caseGrants)
      .set({ revokedAt: end.at, revokedBy: "consent", revokeReason: "consentWithdrawn" })
      .where(
        end.grants === "allConsent"
          ? live
          : and(
              live,
              sql`${caseGrants.agencyId} NOT LIKE (SELECT country FROM cases WHERE id = ${caseId}) || ':%'`,
            ),
      );
  }
  if (w.notices && w.notices.length > 0)
    await tx.insert(notices).values(
      w.notices.map((notice) => ({
        id: newNoticeId(),
        caseId,
        state: notice.state,
        recipientRole: notice.role,
        recipientAgency: notice.agency,
        label: JSON.stringify(notice.label),
        status: "open" as const,
        nextAt: h.at,
        createdAt: h.at,
      })),
    );
  if (w.cancelStates.length > 0 || w.schedule.length > 0) await tx.execute(refreshNextDue(caseId));
}
