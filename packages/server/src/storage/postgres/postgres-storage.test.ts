/**
 * The PostgreSQL store as the server opens it (`openStorage` with a `postgres://` URL): migrated,
 * keyed, healthy; pathway versions and key rotation through the seam; `close` waits for what is
 * under way; and the CLI working on it. Real PostgreSQL, a database per test.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { generateDataKey } from "../../crypto/data-key.ts";
import { Keyring, loadKeyring } from "../../crypto/keyring.ts";
import { aad, SealingCodec } from "../../crypto/personal-data-codec.ts";
import { tempDir } from "../../testing/build.ts";
import { openStorage } from "../open-storage.ts";
import type { Storage } from "../storage.ts";
import { createTestDatabase, type TestDatabase } from "./testing.ts";

const BIN = fileURLToPath(new URL("../../../bin/passerelle.mjs", import.meta.url));

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function opened(): Promise<{ db: TestDatabase; storage: Storage; keyFile: string }> {
  const db = await createTestDatabase();
  cleanups.push(() => db.drop());
  const keyFile = join(tempDir(), "keys.json");
  const storage = await openStorage(db.url, { keys: { keyFile, generateIfMissing: true }, poolSize: 2 });
  cleanups.push(() => storage.close());
  return { db, storage, keyFile };
}

async function sql(url: string, text: string, params: unknown[] = []): Promise<pg.QueryResult> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await client.query(text, params);
  } finally {
    await client.end();
  }
}

const PERSON = { givenName: "Ama", familyName: "Testperson" };

describe("the PostgreSQL store", () => {
  it("opens migrated and healthy, and keeps pathway versions", async () => {
    const { storage } = await opened();
    expect(storage.dialect).toBe("postgres");
    expect(await storage.health()).toEqual({ ok: true });
    expect(storage.failure()).toBeUndefined();
    const version = {
      country: "ZZ",
      version: 1,
      status: "published" as const,
      hash: "h1",
      definition: { id: "zz" },
      publishedAt: "2026-01-01T00:00:00.000Z",
    };
    await storage.upsertPathwayVersions([version]);
    expect(await storage.listPathwayVersions("ZZ")).toEqual([version]);
    expect(await storage.getPathwayVersion("ZZ", 1)).toEqual(version);
    await expect(storage.upsertPathwayVersions([{ ...version, hash: "h2" }])).rejects.toThrow(
      /Published pathway ZZ@1 changed/,
    );
  });

  it("re-seals every sealed value under the new key in one transaction, and says which keys are in use", async () => {
    const { db, storage, keyFile } = await opened();
    const old = loadKeyring({ keyFile, generateIfMissing: false }).keyring;
    const salt = Buffer.alloc(32, 7);
    const id = "case_01J0000000000000000000000A";
    const sealedUnderOld = new SealingCodec(old, { of: (c) => (c === id ? salt : undefined) });
    await sql(
      db.url,
      "INSERT INTO cases (id, country, pathway_version, stage, state, snapshot, revision, created_at, updated_at) VALUES ($1, 'ZZ', 1, 's', '\"x\"', '{}', 1, '', '')",
      [id],
    );
    await sql(db.url, "INSERT INTO case_keys (case_id, salt) VALUES ($1, $2)", [id, salt]);
    // The person sealed under the old key; the identification still in the clear.
    await sql(db.url, "INSERT INTO case_personal (case_id, person, identification) VALUES ($1, $2, $3)", [
      id,
      sealedUnderOld.encode(aad.person(id), PERSON),
      JSON.stringify({ agency: "police" }),
    ]);
    expect(await storage.keysInUse()).toEqual({ keyIds: new Set([old.active.id]), plain: 1 });

    const next = new Keyring(generateDataKey(), [old.active], old.auditKey);
    const report = await storage.resealAll(next);
    expect(report.resealed["case_personal.person"]).toBe(1);
    expect(report.resealed["case_personal.identification"]).toBe(1);
    expect(await storage.keysInUse()).toEqual({ keyIds: new Set([next.active.id]), plain: 0 });

    const [row] = (await sql(db.url, "SELECT person FROM case_personal WHERE case_id = $1", [id])).rows;
    const underNext = new SealingCodec(new Keyring(next.active), { of: () => salt });
    expect(underNext.decode(aad.person(id), row.person)).toEqual(PERSON);
    // Run again: everything is current.
    expect((await storage.resealAll(next)).current).toBe(2);
  });

  it("closes after the transaction and the reads under way have finished", async () => {
    const { storage } = await opened();
    const record = { failures: 2, lockedUntil: null, knownAddresses: [] };
    let committed = false;
    const slow = storage
      .transaction(async (tx) => {
        await new Promise((resolve) => setTimeout(resolve, 300));
        await tx.loginThrottle.put("login:slow", record);
      })
      .then(() => {
        committed = true;
      });
    // A read of several queries one after another, each taking a connection from the pool anew.
    const reading = storage.keysInUse();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await storage.close();
    expect(committed).toBe(true);
    await slow;
    await expect(reading).resolves.toEqual({ keyIds: new Set(), plain: 0 });
  });

  it("refuses to open a database it cannot reach, naming the place and no credential", async () => {
    await expect(
      openStorage("postgres://someone:secret-password@127.0.0.1:1/nothing", { protections: false }),
    ).rejects.toThrow(/^opening the PostgreSQL database 127\.0\.0\.1:1\/nothing failed \(ECONNREFUSED\)/);
    await expect(
      openStorage("postgres://someone:secret-password@127.0.0.1:1/nothing", { protections: false }),
    ).rejects.not.toThrow(/secret-password/);
  });

  it("serves the CLI given --database-url postgres://… with the deployment's key, and never makes a key file of its own", async () => {
    const db = await createTestDatabase();
    cleanups.push(() => db.drop());
    const { PASSERELLE_KEY: _key, PASSERELLE_KEY_FILE: _file, INIT_CWD: _cwd, ...env } = process.env;
    const config = tempDir();
    const run = (args: string[], extra: Record<string, string> = {}) =>
      spawnSync(process.execPath, [BIN, ...args, "--database-url", db.url], {
        encoding: "utf8",
        env: { ...env, XDG_CONFIG_HOME: config, ...extra },
      });
    // Without a key: refused, naming what to set; no key file appears on this machine.
    const keyless = run(["keys", "status"]);
    expect(keyless.status).not.toBe(0);
    expect(keyless.stderr).toMatch(/no data key for the PostgreSQL database .*PASSERELLE_KEY/);
    expect(existsSync(join(config, "passerelle", "keys"))).toBe(false);
    const key = randomBytes(32).toString("base64");
    const keyed = run(["keys", "status"], { PASSERELLE_KEY: key });
    expect(keyed.stderr).toBe("");
    expect(keyed.status).toBe(0);
    expect(keyed.stdout).toMatch(/active key: \S+ \(from PASSERELLE_KEY\)/);
  });
});
