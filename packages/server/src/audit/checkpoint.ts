/**
 * Signed checkpoints of the audit chain's head, kept outside the database (a file on another disk,
 * the operator's log collector). The chain's own links detect an edit in the middle; a checkpoint
 * detects what links cannot: the last entries deleted, or the chain recomputed from an edit on by
 * someone who stole the key. Signed with a key derived from the audit key, so a checkpoint cannot
 * be forged by whoever holds only the database or only the checkpoint file.
 */
import { createHmac, hkdfSync, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import type { ChainCursor } from "./chain.ts";

export const Checkpoint = z
  .object({
    seq: z.number().int().min(0).describe("Last entry of the chain at the time"),
    hash: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe("Its hash"),
    at: z.iso.datetime().describe("When the checkpoint was taken"),
    signature: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .describe("HMAC-SHA256 of seq, hash and at"),
  })
  .strict()
  .describe("A signed checkpoint of the audit chain's head");
export type Checkpoint = z.infer<typeof Checkpoint>;

function signingKey(auditKey: Buffer): Buffer {
  return Buffer.from(hkdfSync("sha256", auditKey, Buffer.alloc(0), "passerelle audit checkpoint v1", 32));
}

const signed = (c: Pick<Checkpoint, "seq" | "hash" | "at">) => `${c.seq}\n${c.hash}\n${c.at}`;

export function signCheckpoint(head: ChainCursor, at: Date, auditKey: Buffer): Checkpoint {
  const body = { seq: head.seq, hash: head.hash, at: at.toISOString() };
  return {
    ...body,
    signature: createHmac("sha256", signingKey(auditKey)).update(signed(body)).digest("hex"),
  };
}

export function checkpointSigned(checkpoint: Checkpoint, auditKey: Buffer): boolean {
  const expected = createHmac("sha256", signingKey(auditKey)).update(signed(checkpoint)).digest();
  return timingSafeEqual(expected, Buffer.from(checkpoint.signature, "hex"));
}

/**
 * Checkpoints of a file written one JSON line each: a checkpoint file, or the server's log (its
 * `auditCheckpoint` lines). Lines that do not parse or whose signature does
 * not match are reported, never used: a forged checkpoint must not vouch for a rewritten log.
 */
export function readCheckpoints(
  text: string,
  auditKey: Buffer,
): { heads: ChainCursor[]; rejected: { line: number; reason: "malformed" | "badSignature" }[] } {
  const heads: ChainCursor[] = [];
  const rejected: { line: number; reason: "malformed" | "badSignature" }[] = [];
  text.split("\n").forEach((raw, i) => {
    if (raw.trim() === "") return;
    let line: Record<string, unknown>;
    try {
      line = JSON.parse(raw);
    } catch {
      rejected.push({ line: i + 1, reason: "malformed" });
      return;
    }
    // A checkpoint file's line, or a server log line carrying one; other log lines are skipped.
    const candidate = line.auditCheckpoint ?? ("signature" in line ? line : undefined);
    if (candidate === undefined) return;
    const parsed = Checkpoint.safeParse(candidate);
    if (!parsed.success) {
      rejected.push({ line: i + 1, reason: "malformed" });
      return;
    }
    if (!checkpointSigned(parsed.data, auditKey)) rejected.push({ line: i + 1, reason: "badSignature" });
    else heads.push({ seq: parsed.data.seq, hash: parsed.data.hash });
  });
  return { heads, rejected };
}
