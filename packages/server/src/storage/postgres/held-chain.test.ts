/**
 * The chain a batch keeps: writes of the batch that start together link one after the other to the
 * head read with the lock; a write rolled back takes its entries with it.
 */
import { describe, expect, it } from "vitest";
import type { AuditEntry, AuditHead, LinkedEntry } from "../audit-repository.ts";
import { HeldChain } from "./held-chain.ts";

const link = (head: AuditHead | undefined): LinkedEntry => {
  const seq = (head?.seq ?? 0) + 1;
  return {
    entry: { seq, prevHash: head?.hash ?? "genesis", hash: `h${seq}` } as AuditEntry,
    detailsJson: null,
  };
};

describe("the chain a batch keeps", () => {
  it("links writes that start together each to the one before, from the head read with the lock", async () => {
    const chain = new HeldChain({ seq: 10, hash: "h10" });
    const entries = await Promise.all(
      Array.from({ length: 5 }, async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        return chain.append(link);
      }),
    );
    expect(entries.map((e) => [e.seq, e.prevHash])).toEqual([
      [11, "h10"],
      [12, "h11"],
      [13, "h12"],
      [14, "h13"],
      [15, "h14"],
    ]);
    expect(chain.take().map((l) => l.entry.seq)).toEqual([11, 12, 13, 14, 15]);
  });

  it("puts the head back when a write is rolled back", async () => {
    const chain = new HeldChain({ seq: 1, hash: "h1" });
    chain.append(link);
    const mark = chain.mark();
    chain.append(link);
    chain.restore(mark);
    expect(chain.append(link).prevHash).toBe("h2");
  });
});
