import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "definitions",
    include: ["src/**/*.test.ts"],
    // Some tests read and hash every shipped pathway; on a 2-core machine running the other
    // projects' processes beside them that took 8.7 s once. A hang guard, not a timing assertion.
    testTimeout: 30_000,
  },
});
