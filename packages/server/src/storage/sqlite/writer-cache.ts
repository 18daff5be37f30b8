/**
 * The writer connection's page cache while the file is under 1 GiB: 16 MiB, not the 64 MiB of the
 * other connections (`openConnection`). Below 1 GiB, every COMMIT after a B-tree split that reorders
 * sibling pages (most splits of an index written at random places, such as the history key) scans
 * the whole cache: SQLite swaps the page numbers through the lock-byte page (at 1 GiB: page 262,145
 * with 4 KiB pages), beyond the end of such a file, and truncating the cache back to the file's size
 * then walks every cached page (`pcache1TruncateUnsafe`). Under the event benchmark (`perf record`
 * on this thread) that was 8.6 % of its time with 64 MiB cached, 2.3 % with 16 MiB, and 0.6 % with
 * 4 MiB, which then spent 1.8 % more copying pages in from the OS. A file past 1 GiB never pays the
 * scan and keeps the larger cache (it holds more of a large store's index pages: a million-case
 * store has 24 MiB of interior pages); a file that grows past 1 GiB gets it at the next start.
 */
export const SMALL_FILE_CACHE_KIB = 16 * 1024;

/** Where the lock-byte page lies (SQLite's PENDING_BYTE): 1 GiB into the file. */
export const LOCK_BYTE_OFFSET = 2 ** 30;

/** The writer connection's `cache_size` in KiB for a file of `fileBytes`; undefined: keep the connection's. */
export function writerCacheKib(fileBytes: number): number | undefined {
  return fileBytes < LOCK_BYTE_OFFSET ? SMALL_FILE_CACHE_KIB : undefined;
}
