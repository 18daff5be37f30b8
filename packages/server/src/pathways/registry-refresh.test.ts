/**
 * A version stored by another process after this registry was read (a newer instance during a
 * rolling upgrade) is served here after a refresh, instead of its cases being refused. Real SQLite.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openStorage } from "../storage/open-storage.ts";
import type { Storage } from "../storage/storage.ts";
import { TEST_PATHWAYS_DIR, tempDir } from "../testing/build.ts";
import { PathwayRegistry } from "./pathway-registry.ts";

const opened: Storage[] = [];
afterEach(async () => {
  for (const store of opened.splice(0)) await store.close();
});

describe("pathway registry refresh", () => {
  it("adds versions stored since it was read, and leaves out one this code cannot read", async () => {
    const store = await openStorage(join(tempDir(), "registry.db"), { protections: false });
    opened.push(store);
    const registry = await PathwayRegistry.load(store, [TEST_PATHWAYS_DIR], new Date());
    const stored = registry.get("ZZ", 1)!;
    expect(registry.get("ZZ", 2)).toBeUndefined();

    // Another instance stores ZZ@2 (and a definition from a release this one cannot parse).
    await store.upsertPathwayVersions([
      {
        country: "ZZ",
        version: 2,
        status: "published",
        hash: "hash-of-v2",
        definition: { ...stored.definition, version: 2 },
        publishedAt: "2026-12-02T00:00:00.000Z",
      },
      {
        country: "ZZ",
        version: 3,
        status: "published",
        hash: "hash-of-v3",
        definition: { schemaVersion: 99 },
        publishedAt: "2026-12-02T00:00:00.000Z",
      },
    ]);
    const refused: { country: string; version: number }[] = [];
    expect(await registry.refresh(store, (r) => refused.push(r))).toBe(1);
    expect(registry.get("ZZ", 2)?.definition.version).toBe(2);
    expect(registry.latestPublished("ZZ")?.definition.version).toBe(2);
    expect(refused).toEqual([{ country: "ZZ", version: 3 }]);
    // Nothing new: nothing added.
    expect(await registry.refresh(store)).toBe(0);
  });
});
