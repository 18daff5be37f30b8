import { defineProject } from "vitest/config";

export default defineProject({
  test: {
    name: "server",
    include: ["src/**/*.test.ts"],
    // Many server tests start real processes (the server, the CLI, tsx scripts) on a 2-core machine
    // shared with other work: a generous limit keeps them from failing on load. It is a hang guard,
    // not a timing assertion.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
