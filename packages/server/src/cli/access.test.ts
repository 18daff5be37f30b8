/**
 * The issue-5 commands as an operator runs them: bootstrap the first admin, add an agency and a
 * user, issue and revoke a token, verify the audit chain (and see a broken one reported), rotate
 * the key, dry-run retention.
 */
import { spawnSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { Authenticator } from "../auth/authenticator.ts";
import { openStorage } from "../storage/open-storage.ts";
import { build, tempDir } from "../testing/build.ts";

const BIN = fileURLToPath(new URL("../../bin/passerelle.mjs", import.meta.url));

function passerelle(databaseUrl: string, args: string[], input?: string) {
  const { INIT_CWD: _initCwd, npm_lifecycle_event: _event, PASSERELLE_KEY: _key, ...env } = process.env;
  // The key file of each test database in its own temporary directory, not the user's.
  const keyFile = join(dirname(databaseUrl.replace(/^file:/, "")), "keys", "keys.json");
  const result = spawnSync(process.execPath, [BIN, ...args, "--database-url", databaseUrl], {
    encoding: "utf8",
    env: { ...env, PASSERELLE_KEY_FILE: keyFile },
    ...(input !== undefined && { input }),
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("passerelle users / tokens / audit / keys / retention", { timeout: 120_000 }, () => {
  it("bootstraps an admin once, manages users and tokens, and verifies the audit chain", async () => {
    const dir = tempDir();
    const file = join(dir, "cli.db");
    const url = `file:${file}`;

    const boot = passerelle(url, ["users", "bootstrap-admin", "--country", "GH", "--agency", "mogcsp"]);
    expect(boot.code).toBe(0);
    const adminToken = boot.stdout.trim();
    expect(adminToken).toMatch(/^psr_[A-Za-z0-9_-]{43}$/);
    expect(passerelle(url, ["users", "bootstrap-admin", "--country", "GH", "--agency", "mogcsp"]).code).toBe(
      1,
    );

    expect(
      passerelle(url, [
        "users",
        "add-agency",
        "--country",
        "GH",
        "--code",
        "police-ahtu",
        "--name",
        "AHTU",
      ]).stdout.trim(),
    ).toBe("GH:police-ahtu");
    const added = passerelle(
      url,
      [
        "users",
        "add",
        "--agency",
        "GH:police-ahtu",
        "--login",
        "kofi",
        "--role",
        "caseworker",
        "--password-stdin",
      ],
      "a long enough password\n",
    );
    expect(added.code).toBe(0);
    const issued = passerelle(url, ["tokens", "create", "--login", "kofi", "--days", "1"]);
    const token = issued.stdout.trim();
    const tokenId = /token (tok_\w+)/.exec(issued.stderr)?.[1];
    expect(tokenId).toBeDefined();

    const storage = await openStorage(file, { protections: false });
    const authenticator = new Authenticator(storage.directory);
    expect(await authenticator.authenticate(adminToken)).toMatchObject({
      ok: true,
      principal: { role: "admin", agencyId: "GH:mogcsp" },
    });
    expect(await authenticator.authenticate(token)).toMatchObject({
      ok: true,
      principal: { role: "caseworker" },
    });
    await storage.close();

    expect(passerelle(url, ["tokens", "revoke", tokenId!]).code).toBe(0);
    expect(passerelle(url, ["tokens", "list", "--login", "kofi"]).stdout).toContain("revoked");

    const verified = passerelle(url, ["audit", "verify"]);
    expect(verified.code).toBe(0);
    expect(verified.stdout).toMatch(/audit log intact: 5 entries/);

    const raw = new Database(file);
    raw.exec("DROP TRIGGER audit_log_no_update");
    raw.prepare("UPDATE audit_log SET action = 'nothing' WHERE seq = 4").run();
    raw.close();
    const broken = passerelle(url, ["audit", "verify"]);
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/BROKEN at entry 4/);

    const rotated = passerelle(url, ["keys", "rotate", "--prune"]);
    expect(rotated.code).toBe(0);
    expect(rotated.stdout).toMatch(/active key k[0-9a-f]{16}/);
    expect(passerelle(url, ["retention", "apply", "--dry-run"]).stdout).toMatch(/0 closed cases due/);
  });

  it("add-agency and bootstrap-admin refuse a country without a pathway and a code its pathway does not name, listing the valid ones", () => {
    const file = join(tempDir(), "agencies.db");
    const url = `file:${file}`;
    const add = (country: string, code: string) =>
      passerelle(url, ["users", "add-agency", "--country", country, "--code", code, "--name", "X"]);

    const country = add("XQ", "police");
    expect(country).toMatchObject({ code: 1, stdout: "" });
    expect(country.stderr).toMatch(
      /^no pathway for country 'XQ'; countries with a pathway: .*\bGH\b.*\bSN\b/,
    );
    const code = add("GH", "polic-ahtu");
    expect(code).toMatchObject({ code: 1, stdout: "" });
    expect(code.stderr).toMatch(
      /^'polic-ahtu' is not an agency of GH's pathway; its agencies: .*\bpolice-ahtu\b/,
    );
    const admin = passerelle(url, ["users", "bootstrap-admin", "--country", "GH", "--agency", "ministry"]);
    expect(admin).toMatchObject({ code: 1, stdout: "" });
    expect(admin.stderr).toMatch(/'ministry' is not an agency of GH's pathway; its agencies: .*\bmogcsp\b/);

    // Nothing was written: no agency, no user, no audit entry.
    const sqlite = new Database(file, { readonly: true });
    expect(sqlite.prepare("SELECT count(*) FROM agencies").pluck().get()).toBe(0);
    expect(sqlite.prepare("SELECT count(*) FROM users").pluck().get()).toBe(0);
    expect(sqlite.prepare("SELECT count(*) FROM audit_log").pluck().get()).toBe(0);
    sqlite.close();

    expect(add("GH", "police-ahtu")).toMatchObject({ code: 0, stdout: "GH:police-ahtu\n" });
  });

  it("seed --demo prints how to see its cases, and those commands show them to a caseworker of the running server", async () => {
    const dir = tempDir();
    const file = join(dir, "seed.db");
    const url = `file:${file}`;
    // The README's fresh start: the first admin in Ghana's lead agency, then the demo cases — here
    // while the server runs, which sees the cases, the user and the token without a restart.
    expect(passerelle(url, ["users", "bootstrap-admin", "--country", "GH", "--agency", "mogcsp"]).code).toBe(
      0,
    );
    const t = await build({ file, dir, protections: true });
    try {
      const seeded = passerelle(url, ["seed", "--demo", "--cases", "14"]);
      expect(seeded.code).toBe(0);
      const ghana = Number(/"GH":(\d+)/.exec(seeded.stdout)?.[1]);
      expect(ghana).toBeGreaterThan(0);
      // Run the commands exactly as printed.
      const commands = seeded.stdout
        .split("\n")
        .filter((line) => line.startsWith("  npx --yes pnpm@10 passerelle "))
        .map((line) => line.trim().split(" ").slice(4));
      expect(commands.map((c) => c.slice(0, 2).join(" "))).toEqual(["users add", "tokens create"]);
      expect(seeded.stdout).toContain("a running server sees them at once");
      expect(passerelle(url, commands[0]!).code).toBe(0);
      const token = /psr_\S+/.exec(passerelle(url, commands[1]!).stdout)?.[0];
      expect(token).toBeDefined();

      const listed = await t.app.inject({
        method: "GET",
        url: "/v1/cases?limit=100",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(listed.statusCode).toBe(200);
      const items = listed.json().items as { country: string }[];
      expect(items).toHaveLength(ghana);
      expect(new Set(items.map((i) => i.country))).toEqual(new Set(["GH"]));
    } finally {
      await t.close();
    }
  });
});
