import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "engine",
    include: ["src/**/*.test.ts"],
    // Some tests compile and walk every shipped pathway, beside the other projects' processes on a
    // 2-core machine. A hang guard, not a timing assertion.
    testTimeout: 30_000,
  },
});
