import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    // Most test time is spent waiting on child processes, PostgreSQL, Redis and Chromium, not on
    // CPU: a third worker on the 2-core machines cuts the wall time (measured: 851 s with two).
    maxWorkers: 3,
    projects: ["packages/*", "packages/server/vitest.postgres.config.ts"],
  },
});
