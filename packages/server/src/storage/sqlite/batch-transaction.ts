/**
 * One group commit: a batch of writes in one SQLite transaction, each in its own SAVEPOINT. A write
 * that throws (stale revision, refused event) rolls back only its own part; the others commit
 * together, with one fsync for the whole batch (`synchronous = FULL`). Used on the request thread
 * (`group-commit.ts`) and in the writer thread (`writer-thread.ts`).
 */
import type Database from "better-sqlite3";

export type Outcome = { ok: true; value: unknown } | { ok: false; error: unknown };

export class BatchTransaction {
  private readonly begin: Database.Statement;
  private readonly commit: Database.Statement;
  private readonly rollback: Database.Statement;
  private readonly savepoint: Database.Statement;
  private readonly release: Database.Statement;
  private readonly rollbackTo: Database.Statement;

  constructor(private readonly sqlite: Database.Database) {
    this.begin = sqlite.prepare("BEGIN IMMEDIATE");
    this.commit = sqlite.prepare("COMMIT");
    this.rollback = sqlite.prepare("ROLLBACK");
    this.savepoint = sqlite.prepare("SAVEPOINT job");
    this.release = sqlite.prepare("RELEASE job");
    this.rollbackTo = sqlite.prepare("ROLLBACK TO job");
  }

  /**
   * Runs every write, then commits. Returns each write's outcome; throws when BEGIN or COMMIT fails
   * (disk full, I/O error): then nothing of the batch is durable. `began` runs right after BEGIN.
   */
  run(writes: readonly (() => unknown)[], began?: () => void): Outcome[] {
    const outcomes: Outcome[] = [];
    try {
      this.begin.run();
      began?.();
      for (const write of writes) {
        this.savepoint.run();
        try {
          const value = write();
          this.release.run();
          outcomes.push({ ok: true, value });
        } catch (error) {
          this.rollbackTo.run();
          this.release.run();
          outcomes.push({ ok: false, error });
        }
      }
      this.commit.run();
    } catch (error) {
      if (this.sqlite.inTransaction) this.rollback.run();
      throw error;
    }
    return outcomes;
  }
}
