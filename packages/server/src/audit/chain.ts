import { createHmac, hash } from "node:crypto";
import type { LinkedEntry } from "../storage/audit-repository.ts";
import { type AuditEntry, type AuditFields, GENESIS_HASH } from "./audit-entry.ts";

/** JSON with object keys sorted at every level, so the hash does not depend on insertion order. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  // Keys in UTF-16 code unit order (the default sort of strings), undefined values left out; one
  // string built as it goes (this runs for every audit entry's details).
  const object = value as Record<string, unknown>;
  const keys = Object.keys(object).sort();
  let out = "{";
  for (const key of keys) {
    const v = object[key];
    if (v === undefined) continue;
    out += `${out.length === 1 ? "" : ","}${JSON.stringify(key)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
}

/**
 * Hash of one entry: it commits to the previous hash, its own position and every field, so changing,
 * removing, inserting or reordering an entry breaks every later link.
 */
export function entryHash(
  seq: number,
  prevHash: string,
  fields: AuditFields,
  detailsJson?: string | null,
  key?: Buffer,
): string {
  const text = `${prevHash}\n${seq}\n${canonicalBody(fields, detailsJson)}`;
  // Keyed (HMAC-SHA256) wherever protections are on: without the key, which lives outside the
  // database, nobody can recompute the chain after editing an entry. Plain SHA-256 only for a
  // store without protections (the benchmark baseline). One-shot `hash` avoids a Hash object.
  return key ? createHmac("sha256", key).update(text).digest("hex") : hash("sha256", text, "hex");
}

/** `canonicalJson` of an entry's details (null when there are none): what the hash reads and the row stores. */
export function detailsJsonOf(details: AuditFields["details"] | undefined): string | null {
  return details === null || details === undefined ? null : canonicalJson(details);
}

const json = JSON.stringify;

/**
 * `canonicalJson` of the entry's fields (each present, null when absent), written out in sorted key
 * order rather than built as an object and sorted: this runs for every audited read and write.
 * `chain.test.ts` checks it against the generic form, so a field added to `AuditFields` and not here
 * fails that test. `detailsJson` is the canonical details when the caller has it already.
 */
export function canonicalBody(fields: AuditFields, detailsJson = detailsJsonOf(fields.details)): string {
  return `{"action":${json(fields.action)},"actorAgencyId":${json(fields.actorAgencyId ?? null)},"actorRole":${json(fields.actorRole ?? null)},"actorUserId":${json(fields.actorUserId ?? null)},"at":${json(fields.at)},"details":${detailsJson ?? "null"},"ip":${json(fields.ip ?? null)},"outcome":${json(fields.outcome)},"reason":${json(fields.reason ?? null)},"requestId":${json(fields.requestId ?? null)},"targetId":${json(fields.targetId ?? null)},"targetType":${json(fields.targetType ?? null)},"tokenId":${json(fields.tokenId ?? null)}}`;
}

/** A new entry and its details as stored (canonical JSON, written once for the hash and the row). */
export type ChainedEntry = LinkedEntry;

/** Link a new entry after `previous` (undefined for the first). */
export function chainEntry(
  previous: Pick<AuditEntry, "seq" | "hash"> | undefined,
  fields: AuditFields,
  key?: Buffer,
): AuditEntry {
  return chainEntryWithDetails(previous, fields, key).entry;
}

/** `chainEntry`, also returning the canonical details the hash read (what `AuditLog` stores). */
export function chainEntryWithDetails(
  previous: Pick<AuditEntry, "seq" | "hash"> | undefined,
  fields: AuditFields,
  key?: Buffer,
): ChainedEntry {
  const seq = (previous?.seq ?? 0) + 1;
  const prevHash = previous?.hash ?? GENESIS_HASH;
  const detailsJson = detailsJsonOf(fields.details);
  // Every field named (absent ones as null, as the hash reads them): one object shape for all
  // entries, built without copying an object of unknown shape.
  const entry: AuditEntry = {
    seq,
    at: fields.at,
    actorUserId: fields.actorUserId ?? null,
    actorAgencyId: fields.actorAgencyId ?? null,
    actorRole: fields.actorRole ?? null,
    tokenId: fields.tokenId ?? null,
    action: fields.action,
    targetType: fields.targetType ?? null,
    targetId: fields.targetId ?? null,
    outcome: fields.outcome,
    reason: fields.reason ?? null,
    ip: fields.ip ?? null,
    requestId: fields.requestId ?? null,
    details: fields.details ?? null,
    prevHash,
    hash: entryHash(seq, prevHash, fields, detailsJson, key),
  };
  return { entry, detailsJson };
}

/** The first broken link of a chain, if any. */
export interface ChainBreak {
  seq: number;
  /**
   * gap: an entry is missing; prevHashMismatch / hashMismatch: an entry was altered; truncated: the
   * log ends before a head known from outside (a checkpoint); rewritten: the entry at a known head
   * has another hash (the chain was recomputed from an edit onwards).
   */
  problem: "gap" | "prevHashMismatch" | "hashMismatch" | "truncated" | "rewritten";
  message: string;
}

/** Running state of a verification, so a long log can be verified page by page. */
export interface ChainCursor {
  seq: number;
  hash: string;
}
export const CHAIN_START: ChainCursor = { seq: 0, hash: GENESIS_HASH };

/**
 * Verify entries in seq order, continuing from `cursor`. Returns the first broken link, or the cursor
 * to continue from.
 */
export function verifyEntries(
  entries: Iterable<AuditEntry>,
  cursor: ChainCursor = CHAIN_START,
  key?: Buffer,
): { ok: true; cursor: ChainCursor; checked: number } | { ok: false; broken: ChainBreak; checked: number } {
  let { seq, hash } = cursor;
  let checked = 0;
  for (const entry of entries) {
    if (entry.seq !== seq + 1) {
      return {
        ok: false,
        checked,
        broken: { seq: seq + 1, problem: "gap", message: `expected entry ${seq + 1}, found ${entry.seq}` },
      };
    }
    if (entry.prevHash !== hash) {
      return {
        ok: false,
        checked,
        broken: {
          seq: entry.seq,
          problem: "prevHashMismatch",
          message: "does not link to the previous entry",
        },
      };
    }
    if (entryHash(entry.seq, entry.prevHash, entry, undefined, key) !== entry.hash) {
      return {
        ok: false,
        checked,
        broken: {
          seq: entry.seq,
          problem: "hashMismatch",
          message: "content does not match its hash (altered)",
        },
      };
    }
    seq = entry.seq;
    hash = entry.hash;
    checked += 1;
  }
  return { ok: true, cursor: { seq, hash }, checked };
}
