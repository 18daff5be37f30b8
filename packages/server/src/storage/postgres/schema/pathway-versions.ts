import { integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

/**
 * Every pathway version the server has seen, with its content hash. A published version is
 * immutable: the server refuses to start when a shipped file no longer matches its stored hash.
 */
export const pathwayVersions = pgTable(
  "pathway_versions",
  {
    country: text("country").notNull(),
    version: integer("version").notNull(),
    status: text("status", { enum: ["draft", "published"] }).notNull(),
    hash: text("hash").notNull(),
    /** The definition as JSON text: its hash is over these exact bytes. */
    definition: text("definition").notNull(),
    publishedAt: text("published_at"),
  },
  (t) => [primaryKey({ columns: [t.country, t.version] })],
);
