/**
 * Statements prepared once per SQL text. The list queries (cases, tasks, audit entries) build
 * their SQL from the filters given; each combination is prepared on first use and kept.
 */
import type Database from "better-sqlite3";

export class StatementCache {
  private readonly bySql = new Map<string, Database.Statement>();

  /** `shape` adapts a statement once, when prepared (e.g. `.raw()` for rows as arrays). */
  constructor(
    private readonly sqlite: Database.Database,
    private readonly shape: (statement: Database.Statement) => Database.Statement = (s) => s,
  ) {}

  get(sql: string): Database.Statement {
    let statement = this.bySql.get(sql);
    if (!statement) {
      statement = this.shape(this.sqlite.prepare(sql));
      this.bySql.set(sql, statement);
    }
    return statement;
  }
}
