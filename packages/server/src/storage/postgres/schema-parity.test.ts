/**
 * Both stores have the same tables, columns and indexes: a table, column or index added to one
 * schema and not the other fails here, before a repository written against one finds it missing
 * in the other. Types differ on purpose (see `schema/index.ts`); names, nullability, keys,
 * defaults and index shapes (columns, uniqueness, partial conditions) must not.
 */
import { type Column, is, type SQL } from "drizzle-orm";
import { PgDialect, getTableConfig as pgConfig } from "drizzle-orm/pg-core";
import { SQLiteSyncDialect, SQLiteTable, getTableConfig as sqliteConfig } from "drizzle-orm/sqlite-core";
import { describe, expect, it } from "vitest";
import * as sqliteSchema from "../sqlite/schema/index.ts";
import { pgTables } from "./schema-tables.ts";

interface Shape {
  columns: Record<string, { notNull: boolean; primary: boolean; default: unknown }>;
  primaryKey: string[];
  indexes: Record<string, { columns: string[]; unique: boolean; where: string | null }>;
}

const pgDialect = new PgDialect();
const sqliteDialect = new SQLiteSyncDialect();

function columnShapes(columns: Column[]): Shape["columns"] {
  return Object.fromEntries(
    columns.map((c) => [c.name, { notNull: c.notNull, primary: c.primary, default: c.default ?? null }]),
  );
}

/** Column-level `unique()` becomes a unique index (SQLite) or constraint (PostgreSQL) of this name. */
function uniqueColumnIndexes(columns: Column[]): Shape["indexes"] {
  return Object.fromEntries(
    columns
      .filter((c) => c.isUnique)
      .map((c) => [c.uniqueName ?? "", { columns: [c.name], unique: true, where: null }]),
  );
}

function indexColumnNames(columns: unknown[]): string[] {
  return columns.map((c) => (c as Column).name);
}

function sqliteShapes(): Map<string, Shape> {
  const tables = (Object.values(sqliteSchema) as unknown[]).filter((v): v is SQLiteTable =>
    is(v, SQLiteTable),
  );
  return new Map(
    tables.map((table) => {
      const config = sqliteConfig(table);
      const indexes = Object.fromEntries(
        config.indexes.map((i) => [
          i.config.name,
          {
            columns: indexColumnNames(i.config.columns),
            unique: i.config.unique,
            where: i.config.where ? sqliteDialect.sqlToQuery(i.config.where).sql : null,
          },
        ]),
      );
      return [
        config.name,
        {
          columns: columnShapes(config.columns),
          primaryKey: config.primaryKeys.flatMap((k) => k.columns.map((c) => c.name)),
          indexes: { ...indexes, ...uniqueColumnIndexes(config.columns) },
        },
      ];
    }),
  );
}

function pgShapes(): Map<string, Shape> {
  return new Map(
    pgTables.map((table) => {
      const config = pgConfig(table);
      const indexes = Object.fromEntries(
        config.indexes.map((i) => [
          i.config.name ?? "",
          {
            columns: indexColumnNames(i.config.columns),
            unique: i.config.unique,
            where: i.config.where ? pgDialect.sqlToQuery(i.config.where as SQL).sql : null,
          },
        ]),
      );
      return [
        config.name,
        {
          columns: columnShapes(config.columns),
          primaryKey: config.primaryKeys.flatMap((k) => k.columns.map((c) => c.name)),
          indexes: { ...indexes, ...uniqueColumnIndexes(config.columns) },
        },
      ];
    }),
  );
}

describe("schema parity between the SQLite and PostgreSQL stores", () => {
  const sqlite = sqliteShapes();
  const pg = pgShapes();

  it("has the same tables", () => {
    expect([...pg.keys()].sort()).toEqual([...sqlite.keys()].sort());
    expect(sqlite.size).toBeGreaterThan(10);
  });

  it.each([...sqlite.keys()].sort())("%s has the same columns, keys and indexes", (name) => {
    const inSqlite = sqlite.get(name)!;
    const inPg = pg.get(name);
    expect(inPg, `table ${name} is missing from the PostgreSQL schema`).toBeDefined();
    expect(Object.keys(inPg!.columns).sort()).toEqual(Object.keys(inSqlite.columns).sort());
    expect(inPg!.columns).toEqual(inSqlite.columns);
    expect(inPg!.primaryKey).toEqual(inSqlite.primaryKey);
    expect(Object.keys(inPg!.indexes).sort()).toEqual(Object.keys(inSqlite.indexes).sort());
    expect(inPg!.indexes).toEqual(inSqlite.indexes);
  });
});
