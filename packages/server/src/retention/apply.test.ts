import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { buildProtected, OWN, type ProtectedApp } from "../auth/testing.ts";
import { loadKeyring } from "../crypto/keyring.ts";
import { openDatabase } from "../storage/sqlite/open.ts";
import { protectStore } from "../storage/sqlite/protect-store.ts";
import { SqliteCaseStore } from "../storage/sqlite/sqlite-case-store.ts";
import { AuditLog } from "../storage/sqlite/testing-audit-log.ts";
import { testKeyFile } from "../testing/build.ts";
import { ADULT } from "../testing/fixtures.ts";
import { applyRetention, ERASED_PERSON } from "./apply.ts";

let fx: ProtectedApp | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

describe("retention", () => {
  it("erases the personal data of closed cases past their period, keeps the anonymised fields, and audits it", async () => {
    fx = await buildProtected();
    const closed = await fx.openCase(ADULT, OWN);
    const open = await fx.openCase(ADULT, OWN);
    const headers = await fx.headers("caseworker");
    const screened = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${closed.id}/events`,
      headers,
      payload: {
        type: "SCREENING_COMPLETED",
        data: { outcome: "smuggling", notes: "free text note" },
        expectedRevision: 1,
      },
    });
    expect(screened.json().stage).toBe("closed");
    const { file, dir } = fx;
    await fx.close({ keepFile: true });
    fx = undefined;

    // The test pathway sets no period: give its stored definition one (30 days).
    const raw = new Database(file);
    raw
      .prepare(
        "UPDATE pathway_versions SET definition = json_set(definition, '$.retention', json(?)) WHERE country = 'ZZ'",
      )
      .run(JSON.stringify({ personalDataAfterClosure: "P30D" }));
    raw.close();

    const { sqlite } = openDatabase(file);
    const { auditKey } = loadKeyring({ keyFile: testKeyFile(dir), generateIfMissing: false }).keyring;
    const storage = new SqliteCaseStore(
      sqlite,
      protectStore(sqlite, { keyFile: testKeyFile(dir), generateIfMissing: false }),
    );
    const soon = await applyRetention(storage, {
      now: new Date(Date.now() + 29 * 86_400_000),
      dryRun: false,
    });
    expect(soon).toMatchObject({ due: [], erased: 0, kept: 1 });
    const dry = await applyRetention(storage, {
      now: new Date(Date.now() + 31 * 86_400_000),
      dryRun: true,
    });
    expect(dry.due.map((d) => d.caseId)).toEqual([closed.id]);
    expect(dry.erased).toBe(0);
    const done = await applyRetention(storage, {
      now: new Date(Date.now() + 31 * 86_400_000),
      dryRun: false,
    });
    expect(done.erased).toBe(1);

    const row = sqlite
      .prepare("SELECT * FROM cases c JOIN case_personal p ON p.case_id = c.id WHERE c.id = ?")
      .get(closed.id) as Record<string, string>;
    expect(row.person).toBe(ERASED_PERSON);
    expect(row).toMatchObject({ stage: "closed", sex: "female", nationality: "GH", country: "ZZ" });
    const history = sqlite
      .prepare("SELECT personal_data, data FROM case_history WHERE case_id = ? AND seq = 2")
      .get(closed.id) as Record<string, string | null>;
    expect(history.personal_data).toBeNull();
    expect(JSON.parse(history.data!)).toEqual({ outcome: "smuggling" });
    const stillOpen = sqlite
      .prepare("SELECT person FROM case_personal WHERE case_id = ?")
      .pluck()
      .get(open.id) as string;
    expect(stillOpen.startsWith("pse2.")).toBe(true);
    const log = new AuditLog(sqlite, auditKey);
    expect(
      log
        .list({ limit: 10, targetType: "case", targetId: closed.id })
        .some((e) => e.action === "retention.erase"),
    ).toBe(true);
    expect(log.verify().ok).toBe(true);
    // A second run finds nothing left to erase.
    expect(
      (await applyRetention(storage, { now: new Date(Date.now() + 31 * 86_400_000), dryRun: false })).erased,
    ).toBe(0);
    await storage.close();
  });
});
