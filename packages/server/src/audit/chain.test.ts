import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { type AuditEntry, AuditFields } from "./audit-entry.ts";
import { canonicalBody, canonicalJson, chainEntry, entryHash, verifyEntries } from "./chain.ts";

const fields = (action: string, targetId: string | null = null): AuditFields => ({
  at: "2026-01-01T00:00:00.000Z",
  actorUserId: "u1",
  actorAgencyId: "a1",
  actorRole: "caseworker",
  tokenId: "t1",
  action,
  targetType: targetId ? "case" : null,
  targetId,
  outcome: "allowed",
  reason: "case:read",
  ip: "127.0.0.1",
  requestId: "r1",
  details: { b: 1, a: [2, { d: 1, c: 2 }] },
});

function chainOf(n: number): AuditEntry[] {
  const out: AuditEntry[] = [];
  for (let i = 0; i < n; i++) out.push(chainEntry(out.at(-1), fields("case.read", `c${i}`)));
  return out;
}

describe("audit chain", () => {
  it("canonical JSON ignores key order", () => {
    expect(canonicalJson({ b: 1, a: { d: 1, c: [1, null] } })).toBe(
      canonicalJson({ a: { c: [1, null], d: 1 }, b: 1 }),
    );
  });

  it("canonical JSON is exactly the form chains were hashed with (sorted keys, undefined left out)", () => {
    // Pinned text: a change here would break the verification of every chain already written.
    expect(canonicalJson({ é: "x", b: 1, u: undefined, a: { d: 1, c: [1, null, 'q"'] }, Z: true })).toBe(
      '{"Z":true,"a":{"c":[1,null,"q\\""],"d":1},"b":1,"é":"x"}',
    );
    expect(canonicalJson({})).toBe("{}");
    expect(canonicalJson({ u: undefined })).toBe("{}");
    expect(canonicalJson([])).toBe("[]");
  });

  it("hashes entries exactly as the generic canonical form does (chains written before stay valid)", () => {
    // From the schema: a field added to AuditFields and not to canonicalBody fails here.
    const names = Object.keys(AuditFields.shape) as (keyof AuditFields)[];
    expect(names).toHaveLength(13);
    const samples: AuditFields[] = [
      fields("case.read", "c1"),
      fields("login"),
      { ...fields("case.event", "c2"), details: null, reason: null, ip: null },
      { ...fields("x"), details: { z: 'é\u2028"', a: { y: [1, "2", null, true] } }, requestId: 'q"\\' },
    ];
    for (const sample of samples) {
      const generic = canonicalJson(Object.fromEntries(names.map((name) => [name, sample[name] ?? null])));
      expect(canonicalBody(sample)).toBe(generic);
      const digest = createHash("sha256")
        .update(`${"0".repeat(64)}\n7\n${generic}`)
        .digest("hex");
      expect(entryHash(7, "0".repeat(64), sample)).toBe(digest);
    }
  });

  it("verifies an intact chain, also page by page", () => {
    const entries = chainOf(5);
    expect(verifyEntries(entries)).toMatchObject({ ok: true, checked: 5 });
    const first = verifyEntries(entries.slice(0, 2));
    if (!first.ok) throw new Error("first page should verify");
    expect(verifyEntries(entries.slice(2), first.cursor)).toMatchObject({ ok: true, checked: 3 });
  });

  it("reports an altered field at its entry", () => {
    const entries = chainOf(5);
    entries[2] = { ...entries[2]!, actorUserId: "someone-else" };
    expect(verifyEntries(entries)).toMatchObject({
      ok: false,
      broken: { seq: 3, problem: "hashMismatch" },
      checked: 2,
    });
  });

  it("reports a rewritten entry whose hash was recomputed at the next link", () => {
    const entries = chainOf(5);
    const forged = chainEntry({ seq: 2, hash: entries[1]!.hash }, fields("case.read", "forged"));
    entries[2] = forged;
    expect(verifyEntries(entries)).toMatchObject({
      ok: false,
      broken: { seq: 4, problem: "prevHashMismatch" },
    });
  });

  it("reports a deleted entry as a gap", () => {
    const entries = chainOf(5);
    entries.splice(1, 1);
    expect(verifyEntries(entries)).toMatchObject({ ok: false, broken: { seq: 2, problem: "gap" } });
  });
});
