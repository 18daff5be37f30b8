/**
 * The chain a batch keeps: writes of the batch that start together read the head once and link one
 * after the other; a write rolled back takes its entries with it.
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
  it("reads the head once for writes that start together, and links each to the one before", async () => {
    const chain = new HeldChain();
    let reads = 0;
    const read = async () => {
      reads += 1;
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { seq: 10, hash: "h10" };
    };
    const entries = await Promise.all(Array.from({ length: 5 }, () => chain.append(read, link)));
    expect(reads).toBe(1);
    expect(entries.map((e) => [e.seq, e.prevHash])).toEqual([
      [11, "h10"],
      [12, "h11"],
      [13, "h12"],
      [14, "h13"],
      [15, "h14"],
    ]);
  });

  it("puts the head back when a write is rolled back", async () => {
    const chain = new HeldChain();
    const read = async () => ({ seq: 1, hash: "h1" });
    await chain.append(read, link);
    const mark = chain.mark();
    await chain.append(read, link);
    chain.restore(mark);
    expect((await chain.append(read, link)).prevHash).toBe("h2");
  });
});
