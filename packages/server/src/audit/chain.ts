import { hash } from "node:crypto";
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

const FIELD_NAMES = [
  "at",
  "actorUserId",
  "actorAgencyId",
  "actorRole",
  "tokenId",
  "action",
  "targetType",
  "targetId",
  "outcome",
  "reason",
  "ip",
  "requestId",
  "details",
] as const satisfies ReadonlyArray<keyof AuditFields>;

/**
 * Hash of one entry: it commits to the previous hash, its own position and every field, so changing,
 * removing, inserting or reordering an entry breaks every later link.
 */
export function entryHash(seq: number, prevHash: string, fields: AuditFields): string {
  // One-shot hash (no Hash object per entry): the same digest as createHash().update().digest().
  return hash("sha256", `${prevHash}\n${seq}\n${canonicalBody(fields)}`, "hex");
}

/** The field names in canonical (sorted) order, each with its JSON key written once. */
const SORTED_FIELDS = [...FIELD_NAMES]
  .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
  .map((name) => [name, `${JSON.stringify(name)}:`] as const);

/**
 * `canonicalJson` of the entry's fields (each present, null when absent), written without building
 * and sorting an object per entry: this runs for every audited read and write. `chain.test.ts`
 * checks it against the generic form.
 */
export function canonicalBody(fields: AuditFields): string {
  let body = "{";
  for (let i = 0; i < SORTED_FIELDS.length; i++) {
    const [name, key] = SORTED_FIELDS[i]!;
    const value = fields[name] ?? null;
    // Strings and null as JSON.stringify writes them (what canonicalJson does for them).
    body += `${i === 0 ? "" : ","}${key}${value !== null && typeof value === "object" ? canonicalJson(value) : JSON.stringify(value)}`;
  }
  return `${body}}`;
}

/** Link a new entry after `previous` (undefined for the first). */
export function chainEntry(
  previous: Pick<AuditEntry, "seq" | "hash"> | undefined,
  fields: AuditFields,
): AuditEntry {
  const seq = (previous?.seq ?? 0) + 1;
  const prevHash = previous?.hash ?? GENESIS_HASH;
  // Every field named (absent ones as null, as the hash reads them): one object shape for all
  // entries, built without copying an object of unknown shape.
  return {
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
    hash: entryHash(seq, prevHash, fields),
  };
}

/** The first broken link of a chain, if any. */
export interface ChainBreak {
  seq: number;
  problem: "gap" | "prevHashMismatch" | "hashMismatch";
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
    if (entryHash(entry.seq, entry.prevHash, entry) !== entry.hash) {
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
