import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "console",
    include: ["src/**/*.test.ts", "e2e/**/*.test.ts"],
    // Builds the console once (vite, under a second) before the browser tests serve it.
    globalSetup: ["e2e/build-once.ts"],
    // Browser journeys on a 2-core machine shared with other work: a hang guard, not a timing assertion.
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
