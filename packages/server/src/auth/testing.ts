/**
 * Test helper: the app with its protections on (authentication, need-to-know, encryption, audit), on the tiny ZZ pathway, with three registered
 * agencies (`police` = own, `welfare` = other, `shelter-ngo` = referral target) and one user per
 * role in the first two. `headers(role, agency)` mints a fresh token for each call, so a test may
 * revoke or log out without affecting the next request.
 */
import { build, type TestApp } from "../testing/build.ts";
import { IDENTIFICATION } from "../testing/fixtures.ts";
import { createAgency, createUser, issueToken, type UserRecord } from "./directory.ts";
import { ROLES, type Role } from "./roles.ts";

export const OWN = "police";
export const OTHER = "welfare";
export const TARGET = "shelter-ngo";
export type Side = typeof OWN | typeof OTHER;

export interface ProtectedApp extends TestApp {
  users: Record<Side, Record<Role, UserRecord>>;
  headers(role: Role, agency?: Side): Promise<{ authorization: string }>;
  /** Open a ZZ case owned by `agency`, as its caseworker. */
  openCase(
    person: Record<string, unknown>,
    agency?: Side,
  ): Promise<{ id: string; revision: number; tasks: { id: string }[] }>;
}

export async function buildProtected(
  options: { file?: string; dir?: string; trustProxy?: string[]; compressionThreshold?: number } = {},
): Promise<ProtectedApp> {
  const t = await build({ ...options, shipped: false, protections: true });
  const store = t.app.store;
  const users = await store.transaction(async (tx) => {
    const made = {} as Record<Side, Record<Role, UserRecord>>;
    for (const code of [OWN, OTHER, TARGET]) {
      if (!(await tx.directory.getAgency(`ZZ:${code}`)))
        await createAgency(tx.directory, { country: "ZZ", code, name: code, kind: "government" });
    }
    for (const side of [OWN, OTHER] as const) {
      made[side] = {} as Record<Role, UserRecord>;
      for (const role of ROLES) {
        const login = `${role}-${side}`;
        made[side][role] =
          (await tx.directory.credentialsOf(login))?.user ??
          (await createUser(tx.directory, { agencyId: `ZZ:${side}`, login, role }));
      }
    }
    return made;
  });
  const headers = async (role: Role, agency: Side = OWN) => {
    const userId = users[agency][role].id;
    const { token } = await store.transaction((tx) =>
      issueToken(tx.directory, { userId, kind: "api", expiresAt: null }),
    );
    return { authorization: `Bearer ${token}` };
  };
  return {
    ...t,
    users,
    headers,
    async openCase(person, agency = OWN) {
      const res = await t.app.inject({
        method: "POST",
        url: "/v1/cases",
        headers: await headers("caseworker", agency),
        payload: { country: "ZZ", person, identification: { ...IDENTIFICATION, agency } },
      });
      if (res.statusCode !== 201) throw new Error(`open case: ${res.statusCode} ${res.body}`);
      return res.json();
    },
  };
}
