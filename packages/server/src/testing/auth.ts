/**
 * A bearer token for tests and the benchmark that talk to the real server (protections on):
 * the agency, a user of it and an API token, created in the database before the server starts.
 */
import { provisionUser } from "../auth/provision.ts";
import type { Role } from "../auth/roles.ts";

export async function provisionToken(
  file: string,
  input: { country: string; agency: string; role?: Role },
): Promise<string> {
  const made = await provisionUser(file, {
    country: input.country,
    agency: input.agency,
    agencyName: `${input.agency} (test)`,
    login: `test-${Date.now()}-${Math.random().toString(36).slice(2)}`,
    role: input.role ?? "caseworker",
    expiresAt: null,
  });
  return made.token;
}
