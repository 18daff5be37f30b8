import { describe, expect, it } from "vitest";
import { DurableReplies } from "./durable-replies.ts";

function recorder() {
  const released: string[] = [];
  const failed: string[] = [];
  return {
    released,
    failed,
    answer: (replies: DurableReplies, name: string, commit: number) =>
      replies.arrived(
        commit,
        () => released.push(name),
        (error) => failed.push(`${name}: ${error.message}`),
      ),
  };
}

describe("answers wait for their commit to be on disk", () => {
  it("releases an answer only once a sync covers its commit, in commit order", () => {
    const replies = new DurableReplies();
    const r = recorder();
    r.answer(replies, "a", 1);
    r.answer(replies, "b", 2);
    r.answer(replies, "c", 3);
    expect(r.released).toEqual([]);
    replies.syncedUpTo(2);
    expect(r.released).toEqual(["a", "b"]);
    expect(replies.waiting).toBe(1);
    replies.syncedUpTo(3);
    expect(r.released).toEqual(["a", "b", "c"]);
  });

  it("releases at once an answer whose commit is already synced (the sync thread may report first)", () => {
    const replies = new DurableReplies();
    const r = recorder();
    replies.syncedUpTo(5);
    r.answer(replies, "late", 4);
    r.answer(replies, "now", 5);
    r.answer(replies, "next", 6);
    expect(r.released).toEqual(["late", "now"]);
    // A stale report changes nothing.
    replies.syncedUpTo(3);
    expect(r.released).toEqual(["late", "now"]);
  });

  it("after a failed sync, acknowledges nothing held and nothing later", () => {
    const replies = new DurableReplies();
    const r = recorder();
    r.answer(replies, "held", 1);
    replies.failed(new Error("EIO"));
    r.answer(replies, "later", 2);
    replies.syncedUpTo(2);
    expect(r.released).toEqual([]);
    expect(r.failed).toEqual(["held: EIO", "later: EIO"]);
  });

  it("keeps a read that joins with an older commit than the answers held in commit order", () => {
    const replies = new DurableReplies();
    const r = recorder();
    r.answer(replies, "batch 5", 5);
    r.answer(replies, "read of 3", 3);
    expect(replies.isSynced(3)).toBe(false);
    replies.syncedUpTo(3);
    expect(r.released).toEqual(["read of 3"]);
    expect(replies.isSynced(3)).toBe(true);
    replies.syncedUpTo(5);
    expect(r.released).toEqual(["read of 3", "batch 5"]);
  });
});
