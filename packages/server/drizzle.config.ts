import { defineConfig } from "drizzle-kit";

// `pnpm --filter @passerelle/server db:generate` writes a new versioned migration after a schema change.
export default defineConfig({
  dialect: "sqlite",
  schema: "./src/storage/sqlite/schema/index.ts",
  out: "./src/storage/sqlite/migrations",
});
