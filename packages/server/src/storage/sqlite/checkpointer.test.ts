import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { GroupCommitQueue } from "./group-commit.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function openFile() {
  const dir = mkdtempSync(join(tmpdir(), "passerelle-checkpoint-"));
  dirs.push(dir);
  const file = join(dir, "c.db");
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  sqlite.pragma("synchronous = FULL");
  sqlite.exec("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)");
  return { sqlite, file };
}

/** The queue's checkpointer (reached into to observe its passes). */
const checkpointerOf = (queue: GroupCommitQueue) =>
  (queue as unknown as { checkpointer: import("./checkpointer.ts").Checkpointer }).checkpointer;

describe("WAL checkpoints in a worker thread", () => {
  it("copies committed pages into the database file while the writer never checkpoints itself", async () => {
    const { sqlite, file } = openFile();
    // A backstop the test never reaches: only the worker can move pages into the main file.
    const queue = new GroupCommitQueue(sqlite, undefined, 512, { intervalMs: 5, backstopPages: 1_000_000 });
    expect(sqlite.pragma("wal_autocheckpoint", { simple: true })).toBe(1_000_000);
    const before = statSync(file).size;
    const insert = sqlite.prepare("INSERT INTO t (body) VALUES (?)");
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => queue.run(() => insert.run(`row ${i} ${"x".repeat(2000)}`))),
    );
    // The worker says each time it copied pages: waited for, not timed.
    const grown = () => statSync(file).size > before + 200 * 2000;
    await new Promise<void>((resolve) => {
      if (grown()) resolve();
      checkpointerOf(queue).onCheckpoint(() => {
        if (grown()) resolve();
      });
    });
    expect(statSync(file).size).toBeGreaterThan(before + 200 * 2000);
    await queue.drain();
    // Everything committed is readable from another connection, and the writer closes cleanly.
    const reader = new Database(file, { readonly: true });
    expect(reader.prepare("SELECT count(*) FROM t").pluck().get()).toBe(200);
    reader.close();
    sqlite.close();
  });

  it("stops the worker on drain, and a second drain returns at once", async () => {
    const { sqlite } = openFile();
    const queue = new GroupCommitQueue(sqlite);
    await queue.run(() => sqlite.prepare("INSERT INTO t (body) VALUES ('a')").run());
    await queue.drain();
    await queue.drain();
    await expect(queue.run(() => 1)).rejects.toThrow("closed");
    sqlite.close();
  });

  it("is not started for an in-memory database", async () => {
    const sqlite = new Database(":memory:");
    const queue = new GroupCommitQueue(sqlite);
    // SQLite's default stays: nothing else would checkpoint (and memory has no WAL).
    expect(sqlite.pragma("wal_autocheckpoint", { simple: true })).toBe(1000);
    await queue.drain();
    sqlite.close();
  });
});
