import { chmodSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { build, tempDir } from "../../testing/build.ts";
import { openCase } from "../../testing/fixtures.ts";

describe("database files", () => {
  it("are readable and writable by their owner only: the database, its WAL and shared memory", async () => {
    const t = await build({ shipped: false });
    await openCase(t.app);
    for (const f of [t.file, `${t.file}-wal`, `${t.file}-shm`])
      expect(statSync(f).mode & 0o777, f).toBe(0o600);
    await t.close();
  });

  it("an existing database readable by others is tightened at start", async () => {
    const dir = tempDir();
    const file = join(dir, "old.db");
    writeFileSync(file, "", { mode: 0o644 });
    chmodSync(file, 0o644);
    const t = await build({ dir, file, shipped: false });
    expect(statSync(file).mode & 0o777).toBe(0o600);
    await t.close();
  });
});
