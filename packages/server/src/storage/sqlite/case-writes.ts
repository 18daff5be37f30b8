/**
 * The write half of the SQLite store: each write runs synchronously inside the group commit's batch
 * transaction (its own savepoint).
 */

import type Database from "better-sqlite3";
import { aad, encodeText, type PersonalDataCodec } from "../../crypto/personal-data-codec.ts";
import { newNoticeId, newTaskId } from "../../ids.ts";
import type { ApplyResult, CompleteTaskResult, EventCommit } from "../case-store.ts";
import type { CaseAggregate, NewCase, TransitionWrite } from "../records.ts";
import { caseKeyWrites } from "./case-keys.ts";
import { consentRevocation } from "./grant-repository.ts";
import { changedCase, toConsent, toTask } from "./rows.ts";
import {
  type CaseReadStatements,
  type CaseWriteStatements,
  prepareCaseReads,
  prepareCaseWrites,
  readAggregate,
} from "./statements.ts";

type Row = Record<string, unknown>;

export interface CaseWritesOptions {
  codec: PersonalDataCodec;
}

export class CaseWrites {
  private readonly reads: CaseReadStatements;
  private readonly writes: CaseWriteStatements;
  private readonly codec: PersonalDataCodec;
  private readonly revocation: ReturnType<typeof consentRevocation>;
  private readonly caseKeys: ReturnType<typeof caseKeyWrites>;

  constructor(sqlite: Database.Database, options: CaseWritesOptions) {
    this.reads = prepareCaseReads(sqlite);
    this.writes = prepareCaseWrites(sqlite);
    this.codec = options.codec;
    this.revocation = consentRevocation(sqlite);
    this.caseKeys = caseKeyWrites(sqlite);
  }

  /** `auditSeq`: the opening's audit entry, appended first in the same transaction (none: unaudited). */
  createCase(input: NewCase, auditSeq: number | null): CaseAggregate {
    const w = input.opening;
    const at = w.history.at;
    this.writes.insertCase.run({
      id: input.id,
      country: input.country,
      pathway_version: input.pathwayVersion,
      stage: w.stage,
      state: w.state,
      snapshot: JSON.stringify(w.snapshot),
      revision: 1,
      assignee: input.assignee,
      agency: input.agency,
      // Reportable attributes stay in the clear (statistics); everything else about the person is sealed.
      sex: typeof input.person.sex === "string" ? input.person.sex : null,
      nationality: typeof input.person.nationality === "string" ? input.person.nationality : null,
      age_band: input.ageBand,
      created_at: at,
      updated_at: at,
      outcome: w.outcome,
    });
    // The case's own key first (its salt): every personal value of the case is sealed under it.
    if (this.codec.sealing) this.caseKeys.create(input.id);
    // The sealed values go to their own table (1:1), out of the rows that lists walk.
    this.writes.insertPersonal.run({
      case_id: input.id,
      person: this.codec.encode(aad.person(input.id), input.person),
      identification: this.codec.encode(aad.identification(input.id), input.identification),
    });
    this.writeEffects(input.id, 1, input.pathwayVersion, w, auditSeq);
    return readAggregate(this.reads, this.codec, input.id)!;
  }

  /** Compare-and-swap on the base's revision, then the decided write, in the caller's transaction. */
  commitEvent(commit: EventCommit): ApplyResult {
    const { base: current, write: w, at } = commit;
    const caseId = current.case.id;
    const expectedRevision = current.case.revision;
    const next = expectedRevision + 1;
    const swap = w.stage === current.case.stage ? this.writes.swapCaseInStage : this.writes.swapCase;
    const swapped = swap.run({
      id: caseId,
      expected: expectedRevision,
      revision: next,
      ...(swap === this.writes.swapCase && { stage: w.stage }),
      state: w.state,
      snapshot: JSON.stringify(w.snapshot),
      updated_at: at,
      outcome: w.outcome,
    });
    if (swapped.changes !== 1) {
      const stored = this.reads.revision.get(caseId) as { revision: number } | undefined;
      return stored ? { status: "stale", currentRevision: stored.revision } : { status: "notFound" };
    }
    this.writeEffects(
      caseId,
      next,
      current.case.pathwayVersion,
      { ...w, history: { ...w.history, actor: commit.actor, at } },
      commit.auditSeq,
    );
    return { status: "applied", aggregate: this.afterTransition(current, w, next, at) };
  }

  completeTask(taskId: string, input: { note?: string; actor: string; at: string }): CompleteTaskResult {
    const row = this.reads.getTask.get(taskId) as Row | undefined;
    if (!row) return { status: "notFound" };
    if (row.status !== "open") return { status: "notOpen", task: toTask(row) };
    this.writes.completeTask.run({
      id: taskId,
      completed_at: input.at,
      actor: input.actor,
      // A note is free text: personal, sealed.
      note:
        input.note === undefined
          ? null
          : encodeText(this.codec, aad.taskNote(row.case_id as string, taskId), input.note),
    });
    this.writes.refreshNextDue.run(row.case_id);
    return { status: "completed", task: toTask(this.reads.getTask.get(taskId) as Row) };
  }

  /**
   * The case as the transition left it, without reading (and decrypting) it again: only the rows
   * the transition changed are read back (open tasks get their ids on insert).
   */
  private afterTransition(
    current: CaseAggregate,
    w: TransitionWrite,
    revision: number,
    at: string,
  ): CaseAggregate {
    const caseId = current.case.id;
    const openTasks =
      w.schedule.length > 0 || w.cancelStates.length > 0
        ? (this.reads.openTasks.all(caseId) as Row[]).map((row) => toTask(row))
        : current.openTasks;
    const consents =
      w.consents.length > 0
        ? (this.reads.consents.all(caseId) as Row[]).map((row) => toConsent(row, this.codec))
        : current.consents;
    const nextDueAt = openTasks.reduce<string | null>(
      (min, t) => (min === null || t.dueAt < min ? t.dueAt : min),
      null,
    );
    // The person is left as it was read (opened lazily, if ever): an event changes nothing of it.
    const record = changedCase(current.case, {
      revision,
      stage: w.stage,
      state: w.state,
      snapshot: w.snapshot,
      updatedAt: at,
      outcome: w.outcome,
      nextDueAt,
    });
    return { case: record, openTasks, consents };
  }

  /** History row, cancelled and new tasks, consents and the next due time of one transition. */
  private writeEffects(
    caseId: string,
    seq: number,
    pathwayVersion: number,
    w: TransitionWrite,
    auditSeq: number | null,
  ): void {
    const s = this.writes;
    const h = w.history;
    s.insertHistory.run({
      case_id: caseId,
      seq,
      event_type: h.eventType,
      // Personal fields leave `data` and are sealed on their own (encrypted at rest).
      data: JSON.stringify(
        h.personalFields.length === 0
          ? h.data
          : Object.fromEntries(Object.entries(h.data).filter(([key]) => !h.personalFields.includes(key))),
      ),
      personal_fields: JSON.stringify(h.personalFields),
      personal_data:
        h.personalFields.length === 0
          ? null
          : this.codec.encode(
              aad.history(caseId, seq),
              Object.fromEntries(Object.entries(h.data).filter(([key]) => h.personalFields.includes(key))),
            ),
      from_state: h.fromState,
      to_state: h.toState,
      actor: h.actor,
      at: h.at,
      pathway_version: pathwayVersion,
      audit_seq: auditSeq,
    });
    for (const state of w.cancelStates) s.cancelTasks.run({ case_id: caseId, state, at: h.at });
    for (const task of w.schedule) {
      const delivery = task.firstRung;
      s.insertTask.run({
        id: newTaskId(),
        case_id: caseId,
        key: task.key,
        task_id: task.taskId,
        kind: task.kind,
        state: task.state,
        due_at: new Date(task.due).toISOString(),
        assignee: JSON.stringify(task.assignee),
        assignee_role: task.assignee.role,
        assignee_agency: task.assignee.agency ?? null,
        escalation: JSON.stringify(task.escalation),
        label: JSON.stringify(task.label),
        occurrence: task.occurrence,
        created_at: h.at,
        // Delivery: rung 0 of the ladder waits in the outbox for the relay.
        next_step: delivery.nextStep,
        next_at: delivery.nextAt,
      });
    }
    for (const c of w.consents) {
      s.insertConsent.run({
        case_id: caseId,
        scope: c.scope,
        given: c.given ? 1 : 0,
        method: c.method,
        interpreter_used: c.interpreterUsed === undefined ? null : c.interpreterUsed ? 1 : 0,
        at: c.at,
        actor: c.actor,
        guardian: c.guardian
          ? this.codec.encode(aad.consentGuardian(caseId, c.at, c.scope), c.guardian)
          : null,
        // Free text told to the person: sealed like every free text.
        purpose:
          c.purpose === undefined
            ? null
            : encodeText(this.codec, aad.consentPurpose(caseId, c.at, c.scope), c.purpose),
      });
    }
    for (const end of w.endGrants) {
      if (end.grants === "allConsent") this.revocation.all(caseId, end.at);
      else this.revocation.abroad(caseId, end.at);
    }
    for (const notice of w.notices ?? []) {
      s.insertNotice.run({
        id: newNoticeId(),
        case_id: caseId,
        state: notice.state,
        recipient_role: notice.role,
        recipient_agency: notice.agency,
        label: JSON.stringify(notice.label),
        created_at: h.at,
      });
    }
    if (w.cancelStates.length > 0 || w.schedule.length > 0) s.refreshNextDue.run(caseId);
  }
}
