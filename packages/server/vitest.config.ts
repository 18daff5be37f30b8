import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
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
    // Default key files (of the CLI and the seed, started by tests) go to a throwaway configuration
    // directory, never the user's own ~/.config/passerelle.
    env: { XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "passerelle-config-")) },
  },
});
