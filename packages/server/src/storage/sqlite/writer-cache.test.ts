import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openConnection } from "./open.ts";
import { LOCK_BYTE_OFFSET, SMALL_FILE_CACHE_KIB, writerCacheKib } from "./writer-cache.ts";

describe("writerCacheKib", () => {
  it("gives a file under 1 GiB the smaller cache, and leaves a larger file its own", () => {
    expect(writerCacheKib(0)).toBe(SMALL_FILE_CACHE_KIB);
    expect(writerCacheKib(LOCK_BYTE_OFFSET - 4096)).toBe(SMALL_FILE_CACHE_KIB);
    expect(writerCacheKib(LOCK_BYTE_OFFSET)).toBeUndefined();
    expect(writerCacheKib(3 * LOCK_BYTE_OFFSET)).toBeUndefined();
  });

  it("is smaller than the cache every other connection keeps", () => {
    // A writer cache as large as the others' would bring the scan back (see writer-cache.ts).
    const dir = mkdtempSync(join(tmpdir(), "passerelle-writer-cache-"));
    try {
      const sqlite = openConnection(join(dir, "store.db"));
      const kib = -(sqlite.pragma("cache_size", { simple: true }) as number);
      sqlite.close();
      expect(kib).toBeGreaterThan(SMALL_FILE_CACHE_KIB);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
