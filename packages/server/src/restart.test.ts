import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { openDatabase } from "./storage/sqlite/open.ts";
import { build, TEST_PATHWAYS_DIR, tempDir } from "./testing/build.ts";
import { ADULT, CHILD, dumpAll, openCase, sendEvent } from "./testing/fixtures.ts";

describe("restart", () => {
  it("serves every case and history row identical after close and build on the same file", async () => {
    const first = await build();
    const ids: string[] = [];
    for (const person of [ADULT, CHILD, CHILD]) ids.push((await openCase(first.app, person)).id);
    await sendEvent(first.app, ids[1]!, "SCREENING_COMPLETED", 1, { outcome: "trafficking" });
    await sendEvent(first.app, ids[1]!, "RISK_ASSESSED", 2, { riskLevel: 4 });
    await sendEvent(first.app, ids[0]!, "RECORD_CONSENT", 1, {
      scope: "referral",
      given: true,
      method: "oral",
    });
    const reads = async (app: typeof first.app) => {
      const urls = [
        ...ids.flatMap((id) => [`/v1/cases/${id}/history`, `/v1/tasks?limit=50`]),
        "/v1/cases?limit=10",
      ];
      return Promise.all(urls.map(async (url) => (await app.inject({ url })).body));
    };
    const before = await reads(first.app);
    const rows = await dumpAll(first.file);
    await first.close({ keepFile: true });

    const second = await build({ file: first.file, dir: first.dir });
    expect(await dumpAll(second.file)).toBe(rows);
    expect(await reads(second.app)).toEqual(before);
    const next = await sendEvent(second.app, ids[1]!, "RISK_ASSESSED", 3, { riskLevel: 2 });
    expect(next.json().revision).toBe(4);
    await second.close();
  });
});

describe("migrations", () => {
  it("apply on an empty file and are idempotent when applied again", () => {
    const file = join(tempDir(), "m.db");
    const first = openDatabase(file);
    const tables = first.sqlite
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
      .pluck()
      .all();
    expect(tables).toEqual(
      expect.arrayContaining(["case_history", "cases", "consents", "pathway_versions", "tasks"]),
    );
    const applied = first.sqlite.prepare("SELECT count(*) FROM __drizzle_migrations").pluck().get();
    first.sqlite.close();
    const second = openDatabase(file);
    expect(second.sqlite.prepare("SELECT count(*) FROM __drizzle_migrations").pluck().get()).toBe(applied);
    expect(second.sqlite.pragma("journal_mode", { simple: true })).toBe("wal");
    // 2 = FULL: a COMMIT is fsync'd before the API answers.
    expect(second.sqlite.pragma("synchronous", { simple: true })).toBe(2);
    second.sqlite.close();
  });
});

describe("pinning and immutability", () => {
  it("refuses to start when a stored published version's file changed", async () => {
    const dir = tempDir();
    const pathways = join(dir, "pathways");
    mkdirSync(join(pathways, "ZZ"), { recursive: true });
    // Copy the text (the test fixture is a symlink: writing through it would edit the original).
    writeFileSync(
      join(pathways, "ZZ", "1.yaml"),
      readFileSync(join(TEST_PATHWAYS_DIR, "ZZ", "1.yaml"), "utf8"),
    );
    const file = join(dir, "p.db");
    const app = await buildApp({
      databaseUrl: file,
      pathwayDirs: [pathways],
      logger: { level: "silent" },
      protections: false,
    });
    await app.close();
    const text = readFileSync(join(pathways, "ZZ", "1.yaml"), "utf8");
    writeFileSync(
      join(pathways, "ZZ", "1.yaml"),
      text.replace("Tiny test pathway", "Tiny test pathway (edited)"),
    );
    await expect(
      buildApp({
        databaseUrl: file,
        pathwayDirs: [pathways],
        logger: { level: "silent" },
        protections: false,
      }),
    ).rejects.toThrow(/ZZ@1 changed/);
    // The refusal left the stored version as it was.
    const db = new Database(file, { readonly: true });
    expect(
      db.prepare("SELECT definition FROM pathway_versions WHERE country = 'ZZ'").pluck().get(),
    ).not.toContain("(edited)");
    db.close();
  });

  it("keeps a running case on its version when a new version is published", async () => {
    const dir = tempDir();
    const pathways = join(dir, "pathways");
    mkdirSync(join(pathways, "ZZ"), { recursive: true });
    const v1 = readFileSync(join(TEST_PATHWAYS_DIR, "ZZ", "1.yaml"), "utf8");
    writeFileSync(join(pathways, "ZZ", "1.yaml"), v1);
    const file = join(dir, "p.db");
    const app = await buildApp({
      databaseUrl: file,
      pathwayDirs: [pathways],
      logger: { level: "silent" },
      protections: false,
    });
    const old = await openCase(app, ADULT);
    await app.close();
    writeFileSync(join(pathways, "ZZ", "2.yaml"), v1.replace(/^version: 1$/m, "version: 2"));
    const app2 = await buildApp({
      databaseUrl: file,
      pathwayDirs: [pathways],
      logger: { level: "silent" },
      protections: false,
    });
    const fresh = await openCase(app2, ADULT);
    expect(fresh).toMatchObject({ pathwayVersion: 2 });
    expect((await app2.inject({ url: `/v1/cases/${old.id}` })).json().pathwayVersion).toBe(1);
    const moved = await sendEvent(app2, old.id, "LOST_CONTACT", 1);
    expect(moved.json()).toMatchObject({ pathwayVersion: 1, state: "closed.lostContact" });
    await app2.close();
  });
});
