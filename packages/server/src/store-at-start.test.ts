/**
 * Starting on a store the server cannot use: a file it cannot write, a damaged page, a missing or
 * garbled key file. Each refuses to start with a message that names the file and the next step;
 * `/health` reports a store that stops being writable while the server runs.
 *
 * An unwritable file is made with `chattr +i` when the tests run as root (root ignores file modes)
 * and with mode 0400 otherwise (owner read-only, which the server does not widen): either way the
 * kernel refuses the write, as it would in production.
 */
import { execFileSync } from "node:child_process";
import { chmodSync, closeSync, existsSync, openSync, rmSync, writeFileSync, writeSync } from "node:fs";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "./storage/sqlite/open.ts";
import { provisionToken } from "./testing/auth.ts";
import { build, type TestApp, testKeyFile } from "./testing/build.ts";
import { ADULT, IDENTIFICATION, openCase } from "./testing/fixtures.ts";

const asRoot = process.getuid?.() === 0;
const unlocked: string[] = [];

function makeUnwritable(file: string): void {
  if (asRoot) execFileSync("chattr", ["+i", file]);
  else chmodSync(file, 0o400);
  unlocked.push(file);
}

function makeWritable(file: string): void {
  if (asRoot) execFileSync("chattr", ["-i", file]);
  else chmodSync(file, 0o644);
}

afterEach(() => {
  for (const file of unlocked.splice(0)) if (existsSync(file)) makeWritable(file);
});

/** A store with one case, closed cleanly (no -wal left), kept on disk. */
async function storeWithCase(): Promise<{ file: string; dir: string }> {
  const t = await build();
  await openCase(t.app, ADULT);
  await t.close({ keepFile: true });
  return { file: t.file, dir: t.dir };
}

async function startError(file: string, dir: string, protections = false): Promise<string> {
  return build({ file, dir, protections }).then(
    async (t: TestApp) => {
      await t.close({ keepFile: true });
      throw new Error("the server started");
    },
    (error: Error) => error.message,
  );
}

describe("starting on a store the server cannot use", () => {
  it("refuses a database file it cannot write, naming the file and the restore step", async () => {
    const { file, dir } = await storeWithCase();
    makeUnwritable(file);
    const message = await startError(file, dir);
    expect(message).toContain(`The store ${file} cannot be written`);
    expect(message).toContain("docs/operations.md#restoring-the-store");
    makeWritable(file);
    rmSync(dir, { recursive: true, force: true });
  });

  it("the CLI's opening leaves the write check out: `audit verify` may read a backup on a read-only disk", async () => {
    const { file, dir } = await storeWithCase();
    makeUnwritable(file);
    const { sqlite } = openDatabase(file);
    expect(sqlite.prepare("SELECT count(*) FROM cases").pluck().get()).toBe(1);
    sqlite.close();
    makeWritable(file);
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a store with a damaged page (here in the audit log's table), naming the file", async () => {
    const { file, dir } = await storeWithCase();
    const db = new Database(file, { readonly: true });
    const pageSize = db.pragma("page_size", { simple: true }) as number;
    const root = db
      .prepare("SELECT rootpage FROM sqlite_schema WHERE name = 'audit_log'")
      .pluck()
      .get() as number;
    db.close();
    // Garbage over the b-tree page header of the table's root page.
    const fd = openSync(file, "r+");
    writeSync(fd, Buffer.alloc(16, 0xa5), 0, 16, (root - 1) * pageSize);
    closeSync(fd);
    const message = await startError(file, dir);
    expect(message).toMatch(
      new RegExp(`^The store ${file} is damaged \\(.+\\)\\. Stop, keep the damaged file aside`),
    );
    expect(message).toContain("docs/operations.md#restoring-the-store");
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses a file that is not a database at all", async () => {
    const { file, dir } = await storeWithCase();
    writeFileSync(file, "this is not a database, it is a note someone saved over it\n".repeat(100));
    const message = await startError(file, dir);
    expect(message).toMatch(new RegExp(`^The store ${file} is not a readable SQLite database`));
    rmSync(dir, { recursive: true, force: true });
  });

  it("/health answers 503 naming the path when the store stops being writable, and 200 again after", async () => {
    const t = await build();
    try {
      expect((await t.app.inject({ url: "/health" })).statusCode).toBe(200);
      makeUnwritable(t.file);
      const down = await t.app.inject({ url: "/health" });
      expect(down.statusCode).toBe(503);
      expect(down.headers["content-type"]).toContain("application/problem+json");
      expect(down.json()).toMatchObject({ code: "PASSERELLE_STORE_UNWRITABLE" });
      expect(down.json().detail).toContain(`${t.file} is not writable`);
      makeWritable(t.file);
      expect((await t.app.inject({ url: "/health" })).statusCode).toBe(200);
    } finally {
      await t.close();
    }
  });
});

/** A store with one case whose personal data is sealed, closed, with its key file beside it. */
async function sealedStore(): Promise<{ file: string; dir: string }> {
  const first = await build({ protections: true });
  await first.close({ keepFile: true });
  const token = await provisionToken(first.file, { country: "ZZ", agency: "police" });
  const t = await build({ file: first.file, dir: first.dir, protections: true });
  const opened = await t.app.inject({
    method: "POST",
    url: "/v1/cases",
    headers: { authorization: `Bearer ${token}` },
    payload: { country: "ZZ", person: ADULT, identification: IDENTIFICATION },
  });
  expect(opened.statusCode).toBe(201);
  await t.close({ keepFile: true });
  expect(existsSync(testKeyFile(t.dir))).toBe(true);
  return { file: t.file, dir: t.dir };
}

describe("starting without the key that sealed the store", () => {
  it("a missing key file on a store with sealed data: restore it, never make a new one", async () => {
    const { file, dir } = await sealedStore();
    rmSync(testKeyFile(dir));
    const message = await startError(file, dir, true);
    expect(message).toContain(`the key file ${testKeyFile(dir)} is missing`);
    expect(message).toContain("Restore the key file from its backup, kept apart from the database's");
    expect(message).toContain("docs/operations.md#restoring-the-store");
    expect(message).not.toContain("keys init");
    expect(existsSync(testKeyFile(dir))).toBe(false);
    rmSync(dir, { recursive: true, force: true });
  });

  it("a garbled key file: the message names the file", async () => {
    const { file, dir } = await sealedStore();
    writeFileSync(testKeyFile(dir), '{"version": 1, "active": "k1", "keys": [ {"id": "k1", "key": ');
    const message = await startError(file, dir, true);
    expect(message).toContain(`key file ${testKeyFile(dir)} is unreadable: it is not JSON`);
    writeFileSync(testKeyFile(dir), '{"version": 1, "keys": []}');
    expect(await startError(file, dir, true)).toContain(
      `key file ${testKeyFile(dir)} is unreadable: it does not have the key file's form`,
    );
    rmSync(dir, { recursive: true, force: true });
  });
});
