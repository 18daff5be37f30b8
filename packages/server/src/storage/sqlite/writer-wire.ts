/**
 * What crosses between the request thread and the writer thread. Messages are structured clones:
 * plain data, no classes, no closures. Two things need care:
 * - a case read from the store opens its personal data lazily (`rows.ts`); a clone would open it.
 *   A case crosses with its person and identification still sealed, and is given back its lazy
 *   opening on arrival, with the receiving thread's codec (same keys);
 * - errors lose their class: an `ApiProblem` (a refused event) crosses as its code, detail and
 *   extensions and is rebuilt, so the error handler answers exactly as it would have inline.
 */
import type { PersonalDataCodec } from "../../crypto/personal-data-codec.ts";
import { ApiProblem } from "../../errors/problem.ts";
import type { ApplyResult } from "../case-store.ts";
import type { CaseAggregate, CaseRecord } from "../records.ts";
import type { Outcome } from "./batch-transaction.ts";
import { type SealedValues, storedParts, withSealed } from "./rows.ts";
import type { WriteCommand } from "./write-command.ts";

/** Request thread → writer thread. */
export type ToWriter = { type: "batch"; id: number; commands: WriteCommand[] } | { type: "close" };

/** Writer thread → request thread. */
export type FromWriter =
  | { type: "ready" }
  /** Committed as commit number `commit`: to be answered once that commit is on disk. */
  | { type: "batch"; id: number; commit: number; outcomes: WireOutcome[] }
  /** BEGIN or COMMIT failed: nothing of the batch is durable. */
  | { type: "batchFailed"; id: number; error: WireError }
  | { type: "closed" };

/** Writer thread → WAL sync thread. */
export type SyncRequest = { type: "sync"; commit: number };

/** WAL sync thread → request thread. */
export type FromSync = { type: "synced"; commit: number } | { type: "syncFailed"; message: string };

export type WireOutcome = { ok: true; value: unknown } | { ok: false; error: WireError };

export type WireError =
  | { kind: "problem"; code: ApiProblem["code"]; message: string; extensions: Record<string, unknown> }
  | { kind: "error"; name: string; message: string; code?: string };

/** A case without its opened person: the sealed values travel instead. */
interface WireAggregate {
  case: Omit<CaseRecord, "person" | "identification">;
  sealed: SealedValues;
  openTasks: CaseAggregate["openTasks"];
  consents: CaseAggregate["consents"];
}

export function errorToWire(error: unknown): WireError {
  if (error instanceof ApiProblem)
    return { kind: "problem", code: error.code, message: error.message, extensions: error.extensions };
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return {
      kind: "error",
      name: error.name,
      message: error.message,
      ...(typeof code === "string" && { code }),
    };
  }
  return { kind: "error", name: "Error", message: String(error) };
}

export function errorFromWire(wire: WireError): Error {
  if (wire.kind === "problem") return new ApiProblem(wire.code, wire.message, wire.extensions);
  const error = new Error(wire.message);
  error.name = wire.name;
  if (wire.code !== undefined) (error as Error & { code: string }).code = wire.code;
  return error;
}

/** The writer thread's outcome of a command, ready to be cloned. */
export function outcomeToWire(command: WriteCommand, outcome: Outcome): WireOutcome {
  if (!outcome.ok) return { ok: false, error: errorToWire(outcome.error) };
  return { ok: true, value: resultToWire(command, outcome.value) };
}

export function outcomeFromWire(command: WriteCommand, wire: WireOutcome, codec: PersonalDataCodec): Outcome {
  if (!wire.ok) return { ok: false, error: errorFromWire(wire.error) };
  return { ok: true, value: resultFromWire(command, wire.value, codec) };
}

function resultToWire(command: WriteCommand, value: unknown): unknown {
  switch (command.type) {
    case "createCase":
      return aggregateToWire(value as CaseAggregate);
    case "applyEvent": {
      // An answered event crosses as its serialised view: a string, cheap to copy.
      const result = value as ApplyResult;
      return result.status === "applied"
        ? { ...result, aggregate: aggregateToWire(result.aggregate) }
        : result;
    }
    default:
      return value;
  }
}

function resultFromWire(command: WriteCommand, value: unknown, codec: PersonalDataCodec): unknown {
  switch (command.type) {
    case "createCase":
      return aggregateFromWire(value as WireAggregate, codec);
    case "applyEvent": {
      const result = value as ApplyResult | (Omit<ApplyResult, "aggregate"> & { aggregate: WireAggregate });
      return result.status === "applied"
        ? { ...result, aggregate: aggregateFromWire(result.aggregate as WireAggregate, codec) }
        : result;
    }
    default:
      return value;
  }
}

function aggregateToWire(aggregate: CaseAggregate): WireAggregate {
  const parts = storedParts(aggregate.case);
  if (!parts) throw new Error("a case crosses to the request thread only as read from the store");
  return {
    case: parts.fields,
    sealed: parts.sealed,
    openTasks: aggregate.openTasks,
    consents: aggregate.consents,
  };
}

function aggregateFromWire(wire: WireAggregate, codec: PersonalDataCodec): CaseAggregate {
  return {
    case: withSealed(wire.case, wire.sealed, codec),
    openTasks: wire.openTasks,
    consents: wire.consents,
  };
}
