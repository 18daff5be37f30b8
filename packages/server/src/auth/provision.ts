/**
 * Create an agency (if missing), a user and an API token directly in a database file — what
 * `passerelle users bootstrap-admin` does, and what tests and the benchmark use to obtain a token for
 * a server they start as a separate process.
 */
import { openDatabase } from "../storage/sqlite/open.ts";
import { agencyKey, Directory } from "./directory.ts";
import type { AgencyKind, Role } from "./roles.ts";

export interface ProvisionInput {
  country: string;
  /** Agency id in the country's pathway. */
  agency: string;
  agencyName?: string;
  agencyKind?: AgencyKind;
  login: string;
  role: Role;
  passwordHash?: string;
  /** Token lifetime; null: no expiry (revoke it when done). */
  expiresAt?: Date | null;
  label?: string;
}

export function provisionInDirectory(directory: Directory, input: ProvisionInput) {
  const id = agencyKey(input.country, input.agency);
  const agency =
    directory.getAgency(id) ??
    directory.createAgency({
      country: input.country,
      code: input.agency,
      name: input.agencyName ?? input.agency,
      kind: input.agencyKind ?? "government",
    });
  const user = directory.createUser({
    agencyId: agency.id,
    login: input.login,
    role: input.role,
    ...(input.passwordHash && { passwordHash: input.passwordHash }),
  });
  const { token, record } = directory.issueToken({
    userId: user.id,
    kind: "api",
    expiresAt: input.expiresAt ?? null,
    label: input.label ?? "provisioned",
  });
  return { agency, user, token, tokenId: record.id };
}

/** Provision in a database file (migrations applied), then close it. */
export function provisionUser(databaseFile: string, input: ProvisionInput) {
  const { sqlite } = openDatabase(databaseFile);
  try {
    return sqlite.transaction(() => provisionInDirectory(new Directory(sqlite), input)).immediate();
  } finally {
    sqlite.close();
  }
}
