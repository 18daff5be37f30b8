import { pgTable, text, uniqueIndex } from "drizzle-orm/pg-core";

/**
 * Agencies users belong to. `code` is the agency's id in the country's pathway (`agencies[].id`), so
 * a case owned by `cases.agency = code` in `cases.country = country` belongs to this agency.
 */
export const agencies = pgTable(
  "agencies",
  {
    /** `<country>:<code>`, e.g. `GH:police-ahtu`. */
    id: text("id").primaryKey(),
    country: text("country").notNull(),
    code: text("code").notNull(),
    name: text("name").notNull(),
    /** government, ngo, international, community. */
    kind: text("kind").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [uniqueIndex("agencies_country_code").on(t.country, t.code)],
);
