import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../storage/sqlite/open.ts";
import { tempDir } from "../testing/build.ts";
import { Directory } from "./directory.ts";
import { generateToken } from "./token.ts";

const opened: { close(): void }[] = [];
afterEach(() => {
  for (const db of opened.splice(0)) db.close();
});

function directory() {
  const { sqlite } = openDatabase(join(tempDir(), "dir.db"));
  opened.push(sqlite);
  return { sqlite, dir: new Directory(sqlite) };
}

describe("Directory", () => {
  it("authenticates a token to its user, agency and role; stores only the hash", () => {
    const { sqlite, dir } = directory();
    const agency = dir.createAgency({ country: "GH", code: "police-ahtu", name: "AHTU", kind: "government" });
    const user = dir.createUser({ agencyId: agency.id, login: "kofi", role: "caseworker" });
    const { token, record } = dir.issueToken({ userId: user.id, kind: "api", expiresAt: null });
    expect(dir.authenticate(token)).toEqual({
      ok: true,
      principal: {
        userId: user.id,
        agencyId: "GH:police-ahtu",
        country: "GH",
        role: "caseworker",
        tokenId: record.id,
      },
    });
    const stored = sqlite.prepare("SELECT * FROM api_tokens").all();
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it("refuses unknown, expired, revoked tokens and tokens of disabled users", () => {
    const { dir } = directory();
    const agency = dir.createAgency({ country: "GH", code: "dsw", name: "DSW", kind: "government" });
    const user = dir.createUser({ agencyId: agency.id, login: "ama", role: "supervisor" });
    const now = new Date("2026-01-01T00:00:00Z");
    const expiring = dir.issueToken(
      { userId: user.id, kind: "session", expiresAt: new Date("2026-01-01T01:00:00Z") },
      now,
    );
    expect(dir.authenticate(expiring.token, now).ok).toBe(true);
    expect(dir.authenticate(expiring.token, new Date("2026-01-01T01:00:00Z"))).toMatchObject({
      ok: false,
      rejection: "expired",
    });

    const revoked = dir.issueToken({ userId: user.id, kind: "api", expiresAt: null }, now);
    dir.revokeToken(revoked.record.id, now);
    expect(dir.authenticate(revoked.token, now)).toMatchObject({ ok: false, rejection: "revoked" });

    expect(dir.authenticate(generateToken(), now)).toEqual({ ok: false, rejection: "unknown" });

    const live = dir.issueToken({ userId: user.id, kind: "api", expiresAt: null }, now);
    dir.disableUser(user.id, now);
    expect(dir.authenticate(live.token, now)).toMatchObject({ ok: false, rejection: "userDisabled" });
  });

  it("refuses duplicate logins and users of unknown agencies", () => {
    const { dir } = directory();
    const agency = dir.createAgency({ country: "NG", code: "naptip", name: "NAPTIP", kind: "government" });
    dir.createUser({ agencyId: agency.id, login: "a", role: "admin" });
    expect(() => dir.createUser({ agencyId: agency.id, login: "a", role: "admin" })).toThrow(/taken/);
    expect(() => dir.createUser({ agencyId: "NG:nope", login: "b", role: "admin" })).toThrow(/no agency/);
    expect(dir.countUsers()).toBe(1);
  });
});
