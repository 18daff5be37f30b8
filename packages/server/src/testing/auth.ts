/**
 * A bearer token for tests and the benchmark that talk to the real server (protections on):
 * the agency, a user of it and an API token, created in the database before the server starts.
 */
import { Directory } from "../auth/directory.ts";
import type { Role } from "../auth/roles.ts";
import { openDatabase } from "../storage/sqlite/open.ts";

export function provisionToken(
  file: string,
  input: { country: string; agency: string; role?: Role },
): string {
  const { sqlite } = openDatabase(file);
  try {
    const directory = new Directory(sqlite);
    const agencyId = `${input.country}:${input.agency}`;
    if (!directory.getAgency(agencyId)) {
      directory.createAgency({
        country: input.country,
        code: input.agency,
        name: `${input.agency} (test)`,
        kind: "government",
      });
    }
    const user = directory.createUser({
      agencyId,
      login: `test-${Date.now()}-${Math.random().toString(36).slice(2)}`,
      role: input.role ?? "caseworker",
    });
    return directory.issueToken({ userId: user.id, kind: "api", expiresAt: null }).token;
  } finally {
    sqlite.close();
  }
}
