import { defineConfig } from "drizzle-kit";

// `pnpm --filter @passerelle/server db:generate:postgres` writes a new versioned PostgreSQL migration
// after a change to `src/storage/postgres/schema` (make the same change to the SQLite schema).
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/storage/postgres/schema/index.ts",
  out: "./src/storage/postgres/migrations",
});
