/**
 * The compare-and-swaps of the events of one group-commit batch that run together, sent to
 * PostgreSQL as one statement.
 *
 * Why: the writes of a batch hold the audit chain's lock, which every instance's writes queue
 * behind, and each round trip under it waits for a turn of the API process's event loop. Sent one
 * by one, the 25 swaps of a typical batch took ~20 ms of its ~35 ms (instrumented run,
 * docs/performance.md, the PostgreSQL store); as one statement they take one round trip.
 *
 * How: each `swap` is queued and the queue is sent once every write of the batch that runs at the
 * same time has gone as far as it can without waiting for the database (a `process.nextTick` after
 * the current promise jobs: the batch starts its writes together, in one stretch of code, unlike
 * the reads of separate requests, which wait for the loop turn's end in `batched-reads.ts`). The
 * statement is the single event's writable CTE over `unnest` arrays: the swap updates each case
 * whose revision is still the expected one, and a history row is inserted for each case it
 * updated; it answers with the cases swapped. A case
 * appears once per statement: a second event on the same case waits for the next statement (it
 * then finds the revision moved, as it would have alone).
 *
 * A statement that fails rejects every swap in it: the batch is then rolled back and runs again
 * with one savepoint per write, where each event swaps alone (`group-commit.ts`).
 */
import { sql } from "drizzle-orm";
import type { LinkedEntry } from "../audit-repository.ts";
import { AUDIT_ENTRIES_INSERT, auditEntryValues } from "./audit-repository.ts";
import type { HeldChain } from "./held-chain.ts";
import { namedStatement } from "./named-statement.ts";
import type { PgTx } from "./open.ts";

/** One event's swap and history row, as `commitEventRows` would write them alone. */
export interface CaseSwap {
  caseId: string;
  expected: number;
  /**
   * The stage after the event. Set even when it does not change: PostgreSQL compares the values of
   * indexed columns, so an unchanged stage neither rewrites index entries nor prevents a HOT update.
   */
  stage: string;
  state: string;
  snapshot: string;
  at: string;
  outcome: string | null;
  history: {
    eventType: string;
    data: string;
    personalFields: string;
    personalData: string | null;
    fromState: string | null;
    toState: string;
    actor: string;
    pathwayVersion: number;
    auditSeq: number | null;
  };
}

interface Queued {
  swap: CaseSwap;
  resolve: (swapped: boolean) => void;
  reject: (error: unknown) => void;
}

const resolved = Promise.resolve();

export class CaseSwaps {
  private queued: Queued[] = [];
  private scheduled = false;

  /** `chain`: the batch's audit chain, whose entries appended so far each statement inserts too. */
  constructor(
    private readonly tx: PgTx,
    private readonly chain?: HeldChain,
  ) {}

  /** Resolves true if the case was at `expected` and is now swapped, with its history row written. */
  swap(swap: CaseSwap): Promise<boolean> {
    return new Promise((resolve, reject) => {
      this.queued.push({ swap, resolve, reject });
      this.schedule();
    });
  }

  /** Sends the queue after the promise jobs now queued (the other writes of the batch reaching their swap). */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    void resolved.then(() => process.nextTick(() => void this.send()));
  }

  private async send(): Promise<void> {
    this.scheduled = false;
    const seen = new Set<string>();
    const now: Queued[] = [];
    const later: Queued[] = [];
    for (const q of this.queued) {
      if (seen.has(q.swap.caseId)) later.push(q);
      else {
        seen.add(q.swap.caseId);
        now.push(q);
      }
    }
    this.queued = later;
    try {
      const swapped = await swapAll(
        this.tx,
        now.map((q) => q.swap),
        this.chain?.take() ?? [],
      );
      for (const q of now) q.resolve(swapped.has(q.swap.caseId));
    } catch (error) {
      for (const q of now) q.reject(error);
    }
    if (this.queued.length > 0) this.schedule();
  }
}

/** One swap alone, outside a batch's shared statement. */
export async function swapOne(tx: PgTx, swap: CaseSwap): Promise<boolean> {
  return (await swapAll(tx, [swap], [])).has(swap.caseId);
}

/** The columns of a swap's input as the statement takes them, each an array of its values. */
const SWAP_COLUMNS: [string, string, (s: CaseSwap) => unknown][] = [
  ["id", "text", (s) => s.caseId],
  ["expected", "int", (s) => s.expected],
  ["stage", "text", (s) => s.stage],
  ["state", "text", (s) => s.state],
  ["snapshot", "text", (s) => s.snapshot],
  ["at", "text", (s) => s.at],
  ["outcome", "text", (s) => s.outcome],
  ["event_type", "text", (s) => s.history.eventType],
  ["data", "text", (s) => s.history.data],
  ["personal_fields", "text", (s) => s.history.personalFields],
  ["personal_data", "text", (s) => s.history.personalData],
  ["from_state", "text", (s) => s.history.fromState],
  ["to_state", "text", (s) => s.history.toState],
  ["actor", "text", (s) => s.history.actor],
  ["pathway_version", "int", (s) => s.history.pathwayVersion],
  ["audit_seq", "bigint", (s) => s.history.auditSeq],
];

/**
 * The statement, with or without the audit entries' insert. Named (`named-statement.ts`): built,
 * parsed and planned once per connection, not once per batch.
 */
function swapStatement(audited: boolean) {
  return sql`WITH input AS (
      SELECT * FROM unnest(${sql.join(
        SWAP_COLUMNS.map(([name, type]) => sql`${sql.placeholder(name)}::${sql.raw(type)}[]`),
        sql`, `,
      )})
        AS u(${sql.raw(SWAP_COLUMNS.map(([name]) => name).join(", "))})),
    ${audited ? sql`audited AS (${AUDIT_ENTRIES_INSERT}),` : sql``}
    swapped AS (
      UPDATE cases c SET revision = u.expected + 1, stage = u.stage, state = u.state,
             snapshot = u.snapshot, updated_at = u.at, outcome = u.outcome
        FROM input u
       WHERE c.id = u.id AND c.revision = u.expected
      RETURNING c.id)
    INSERT INTO case_history (case_id, seq, event_type, data, personal_fields, personal_data,
                              from_state, to_state, actor, at, pathway_version, audit_seq)
    SELECT u.id, u.expected + 1, u.event_type, u.data, u.personal_fields, u.personal_data, u.from_state,
           u.to_state, u.actor, u.at, u.pathway_version, u.audit_seq
      FROM input u JOIN swapped s ON s.id = u.id
    RETURNING case_id`;
}

const swapsStatement = namedStatement<{ case_id: string }>("passerelle_case_swaps", swapStatement(false));
const auditedSwapsStatement = namedStatement<{ case_id: string }>(
  "passerelle_case_swaps_audited",
  swapStatement(true),
);

/**
 * The ids of the cases swapped, each with its history row inserted; `entries`, the audit entries
 * the batch appended so far (the events' own among them), are inserted by the same statement.
 */
async function swapAll(tx: PgTx, swaps: CaseSwap[], entries: LinkedEntry[]): Promise<Set<string>> {
  const values = Object.fromEntries(SWAP_COLUMNS.map(([name, , pick]) => [name, swaps.map(pick)]));
  const result =
    entries.length > 0
      ? await auditedSwapsStatement(tx, { ...values, ...auditEntryValues(entries) })
      : await swapsStatement(tx, values);
  return new Set(result.rows.map((row) => row.case_id));
}
