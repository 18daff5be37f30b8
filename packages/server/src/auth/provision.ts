/**
 * Create an agency (if missing), a user and an API token — what `passerelle users bootstrap-admin`
 * does, and what tests and the benchmark use to obtain a token for a server they start as a
 * separate process.
 */
import type { DirectoryRepository } from "../storage/directory-repository.ts";
import { openStorage } from "../storage/open-storage.ts";
import { agencyKey, createAgency, createUser, issueToken } from "./directory.ts";
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

/** Provision with a transaction's directory. */
export async function provisionInDirectory(directory: DirectoryRepository, input: ProvisionInput) {
  const id = agencyKey(input.country, input.agency);
  const agency =
    (await directory.getAgency(id)) ??
    (await createAgency(directory, {
      country: input.country,
      code: input.agency,
      name: input.agencyName ?? input.agency,
      kind: input.agencyKind ?? "government",
    }));
  const user = await createUser(directory, {
    agencyId: agency.id,
    login: input.login,
    role: input.role,
    ...(input.passwordHash && { passwordHash: input.passwordHash }),
  });
  const { token, record } = await issueToken(directory, {
    userId: user.id,
    kind: "api",
    expiresAt: input.expiresAt ?? null,
    label: input.label ?? "provisioned",
  });
  return { agency, user, token, tokenId: record.id };
}

/**
 * Provision in a database (a SQLite file or a PostgreSQL URL; migrations applied), then close it. Directory rows hold nothing
 * sealed and no audit entry is written, so the keyring is not needed.
 */
export async function provisionUser(databaseUrl: string, input: ProvisionInput) {
  const storage = await openStorage(databaseUrl, { protections: false, poolSize: 2 });
  try {
    return await storage.transaction((tx) => provisionInDirectory(tx.directory, input));
  } finally {
    await storage.close();
  }
}
