/**
 * A 2xx means the write survives a power cut. SIGKILL cannot test that (the OS page cache keeps
 * what was written but never synced), so this test puts a disk behind the store's sync seam that
 * keeps only what was synced: at each sync it copies the log as it is then; a power cut is the
 * database file plus the last synced copy of its log. It fails when the sync is removed (nothing
 * acknowledged survives) or moved after the answer (a batch is acknowledged, then its sync fails).
 */
import { copyFileSync, existsSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { build, type TestApp } from "../../testing/build.ts";
import { CHILD, openCase, sendEvent } from "../../testing/fixtures.ts";
import { rawDatabase } from "../../testing/raw-database.ts";
import type { Durability } from "./durability.ts";

/** A disk that keeps the log only as of its last sync; after `losePowerAtNextSync`, syncs fail. */
class SyncedOnlyDisk implements Durability {
  syncs = 0;
  powerLost = false;
  private failing = false;
  constructor(
    private readonly file: string,
    private readonly kept: string,
  ) {}
  losePowerAtNextSync(): void {
    this.failing = true;
  }
  sync(): void {
    this.syncs += 1;
    if (this.failing) {
      this.powerLost = true;
      throw new Error("EIO: the disk lost power during fdatasync");
    }
    copyFileSync(`${this.file}-wal`, join(this.kept, "log"));
  }
  close(): void {}
}

/** The store as a power cut at this instant leaves it: the database file and the synced log. */
function afterPowerCut(file: string, kept: string, dir: string): Database.Database {
  const image = join(dir, "after-power-cut.db");
  copyFileSync(file, image);
  if (existsSync(join(kept, "log"))) copyFileSync(join(kept, "log"), `${image}-wal`);
  return new Database(image, { readonly: true });
}

const opened: TestApp[] = [];
afterEach(async () => {
  for (const t of opened.splice(0)) await t.close();
});

async function storeOnDisk() {
  let disk: SyncedOnlyDisk | undefined;
  const t = await build({
    durability: (file) => {
      const kept = join(file, "..", "synced");
      mkdirSync(kept, { recursive: true });
      disk = new SyncedOnlyDisk(file, kept);
      return disk;
    },
  });
  opened.push(t);
  // Checkpoints would copy the log into the database file; a power cut is then judged on the log.
  rawDatabase(t.app).pragma("wal_autocheckpoint = 0");
  return { t, disk: disk!, kept: join(t.file, "..", "synced") };
}

function revisionAfterPowerCut(t: TestApp, kept: string, caseId: string): number | undefined {
  const db = afterPowerCut(t.file, kept, t.dir);
  try {
    const row = db.prepare("SELECT revision FROM cases WHERE id = ?").get(caseId) as
      | { revision: number }
      | undefined;
    return row?.revision;
  } finally {
    db.close();
  }
}

describe("a 2xx survives a power cut", () => {
  it("every acknowledged event is in what the disk kept", async () => {
    const { t, disk, kept } = await storeOnDisk();
    const opened = await openCase(t.app, CHILD);
    let revision = 1;
    for (let i = 0; i < 12; i++) {
      const r = await sendEvent(
        t.app,
        opened.id,
        i === 0 ? "SCREENING_COMPLETED" : "RISK_ASSESSED",
        revision,
        i === 0 ? { outcome: "trafficking" } : { riskLevel: 2 },
      );
      expect(r.statusCode).toBe(200);
      revision = r.json().revision;
    }
    expect(disk.syncs).toBeGreaterThan(0);
    expect(revisionAfterPowerCut(t, kept, opened.id)).toBe(revision);
  });

  it("a batch whose sync fails is not acknowledged, and nothing is answered after it", async () => {
    const { t, disk, kept } = await storeOnDisk();
    const opened = await openCase(t.app, CHILD);
    const first = await sendEvent(t.app, opened.id, "SCREENING_COMPLETED", 1, { outcome: "trafficking" });
    expect(first.statusCode).toBe(200);
    // The next sync loses power: these events are committed in the file but never reach the disk.
    disk.losePowerAtNextSync();
    const racing = await Promise.all(
      [2, 2, 2].map((rev) => sendEvent(t.app, opened.id, "RISK_ASSESSED", rev, { riskLevel: 1 })),
    );
    expect(disk.powerLost).toBe(true);
    for (const r of racing) {
      expect(r.statusCode).toBe(503);
      expect(r.json().code).toBe("PASSERELLE_STORE_SYNC_FAILED");
    }
    expect(revisionAfterPowerCut(t, kept, opened.id)).toBe(2);
    // Reads would show writes that may not be on disk: nothing is answered until a restart.
    const read = await t.app.inject({ method: "GET", url: `/v1/cases/${opened.id}` });
    expect(read.statusCode).toBe(503);
    // The store refuses writes until restarted, and says so to the load balancer.
    const later = await sendEvent(t.app, opened.id, "RISK_ASSESSED", 2, { riskLevel: 1 });
    expect(later.statusCode).toBe(503);
    const health = await t.app.inject({ method: "GET", url: "/health" });
    expect(health.statusCode).toBe(503);
    expect(health.json().code).toBe("PASSERELLE_STORE_SYNC_FAILED");
  });
});
