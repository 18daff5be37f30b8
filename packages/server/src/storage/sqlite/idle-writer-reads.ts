/**
 * The reads on an event's path served by the writer connection while no batch is open on it.
 *
 * Why: SQLite drops a connection's whole page cache when it starts a read and finds that another
 * connection wrote since its last one. Under load the writer commits a batch every few
 * milliseconds, so each case read on the read-only connection fetched its pages again from the log
 * and the file (a lookup and a copy per page). The writer's own commits leave its cache valid:
 * reading a case there took ~20 % less time (interleaved on one store, 20–50 reads per commit).
 *
 * Safe because a batch is committed and synced in one synchronous stretch (`group-commit.ts`): when
 * the writer is not inside a transaction, what it reads is committed and durable, exactly what the
 * read-only connection would read. While a batch is open (its work awaits between BEGIN and COMMIT)
 * the read goes to the read-only connection, which never sees the open batch. The choice is made
 * when the method is called, and the routed methods read synchronously, so a batch cannot open
 * between the choice and the read. Only the listed read methods are routed: every other method,
 * writes included, stays on the read-only connection, where a write outside `transaction` is refused.
 */
import type Database from "better-sqlite3";

export function readsOnIdleWriter<T extends object>(
  writer: Database.Database,
  onReader: T,
  onWriter: T,
  methods: readonly (keyof T & string)[],
): T {
  const routed = new Map<PropertyKey, unknown>();
  for (const name of methods) {
    const read = (...args: unknown[]) => {
      const repository = writer.inTransaction ? onReader : onWriter;
      return (repository[name] as (...a: unknown[]) => unknown).apply(repository, args);
    };
    routed.set(name, read);
  }
  return new Proxy(onReader, {
    get: (target, property) => (routed.has(property) ? routed.get(property) : Reflect.get(target, property)),
  });
}
