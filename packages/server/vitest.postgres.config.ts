/**
 * The `server-postgres` project: the server's tests that build the app (`src/testing/build.ts`) run
 * again with `PASSERELLE_TEST_STORE=postgres`, each app on a fresh database of the local test
 * PostgreSQL server (`src/storage/postgres/testing.ts`). Which files run is read from their imports,
 * so a new route test joins by itself; the files below stay SQLite-only, each for the reason given.
 */
import { mkdtempSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { defineProject } from "vitest/config";

const SQLITE_ONLY: Record<string, string> = {
  "src/store-at-start.test.ts": "file modes of the SQLite file and its WAL at start (an unwritable store)",
  "src/restart.test.ts": "compares raw SQLite rows across restarts and reopens the file between them",
  "src/storage/sqlite/durability.test.ts": "fault injection into SQLite's fsync of the WAL",
  "src/storage/sqlite/file-permissions.test.ts": "file modes of the SQLite file, WAL and shared memory",
  "src/storage/concurrency.test.ts": "reads the SQLite file with a second raw connection while writes run",
  "src/auth/read-audit.test.ts": "adds a SQLite trigger to make the audit append fail (raw SQLite access)",
  "src/policy/personal-data-leaks.test.ts": "scans the raw SQLite file and WAL bytes for personal values",
  "src/audit/audit-routes.test.ts": "edits audit rows through a raw SQLite connection to break the chain",
  "src/audit/anchoring.test.ts": "the checkpointer of the SQLite audit chain (raw SQLite access)",
  "src/crypto/at-rest.test.ts": "reads the raw SQLite file and WAL bytes to prove values are sealed",
  "src/retention/erasure.test.ts": "reads the SQLite WAL and file after erasure (secure_delete, checkpoint)",
  "src/retention/apply.test.ts": "builds its store on a raw SQLite connection (SqliteCaseStore)",
  "src/calendars/add-holiday.test.ts": "reads the SQLite file the CLI wrote, with a raw connection",
  "src/cli/access.test.ts": "edits and reads the SQLite file the CLI wrote, with a raw connection",
  "src/storage/sqlite/idle-writer-reads.test.ts":
    "holds a batch of the SQLite writer open to test which connection reads",
};

const root = fileURLToPath(new URL(".", import.meta.url));

function testFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.ts") ? [relative(root, path)] : [];
  });
}

/** Test files that build the app on the test store (`build`, or `buildProtected` of `auth/testing.ts`). */
const buildsTheApp = (file: string) =>
  !file.startsWith("src/storage/postgres/") &&
  /\bbuild(Protected)?\(/.test(readFileSync(join(root, file), "utf8"));

export default defineProject({
  test: {
    name: "server-postgres",
    include: testFiles(join(root, "src")).filter((f) => buildsTheApp(f) && !(f in SQLITE_ONLY)),
    testTimeout: 60_000,
    hookTimeout: 60_000,
    env: {
      PASSERELLE_TEST_STORE: "postgres",
      XDG_CONFIG_HOME: mkdtempSync(join(tmpdir(), "passerelle-config-")),
    },
  },
});
