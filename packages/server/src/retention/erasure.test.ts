/**
 * Erasure is final: after retention erases a case, neither the database file, its WAL nor any key
 * the server holds brings the person back — not even a sealed value copied out before erasure (a
 * backup, a free page), because the case's own key is gone.
 */
import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { describe, expect, it } from "vitest";
import { buildProtected, OWN } from "../auth/testing.ts";
import { loadKeyring } from "../crypto/keyring.ts";
import { aad, SealingCodec } from "../crypto/personal-data-codec.ts";
import { caseSalts } from "../storage/sqlite/case-keys.ts";
import { openDatabase } from "../storage/sqlite/open.ts";
import { SqliteCaseStore } from "../storage/sqlite/sqlite-case-store.ts";
import { testKeyFile } from "../testing/build.ts";
import { applyRetention } from "./apply.ts";

const NAME = "Zawadi-Ekwueme";
const NOTE = "met her sister near the Aflao border post";

function fileBytes(file: string): Buffer {
  return Buffer.concat(
    [file, `${file}-wal`, `${file}-shm`].map((f) => {
      try {
        return readFileSync(f);
      } catch {
        return Buffer.alloc(0);
      }
    }),
  );
}

describe("crypto-erasure", () => {
  it("after erasure no file holds the person, and no key opens a sealed value kept from before", async () => {
    const fx = await buildProtected();
    const { id } = await fx.openCase(
      { givenName: NAME, familyName: NAME, sex: "female", birthDate: "1990-01-01" },
      OWN,
    );
    const closed = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${id}/events`,
      headers: await fx.headers("caseworker"),
      payload: {
        type: "SCREENING_COMPLETED",
        data: { outcome: "smuggling", notes: NOTE },
        expectedRevision: 1,
      },
    });
    expect(closed.json().stage).toBe("closed");
    const { file, dir } = fx;
    await fx.close({ keepFile: true });

    const raw = new Database(file);
    raw
      .prepare(
        "UPDATE pathway_versions SET definition = json_set(definition, '$.retention', json(?)) WHERE country = 'ZZ'",
      )
      .run(JSON.stringify({ personalDataAfterClosure: "P30D" }));
    // What a backup taken before erasure would hold.
    const before = {
      person: raw.prepare("SELECT person FROM case_personal WHERE case_id = ?").pluck().get(id) as string,
      history: raw
        .prepare("SELECT personal_data FROM case_history WHERE case_id = ? AND seq = 2")
        .pluck()
        .get(id) as string,
      salt: raw.prepare("SELECT salt FROM case_keys WHERE case_id = ?").pluck().get(id) as Buffer,
    };
    raw.close();
    expect(before.person.startsWith("pse2.")).toBe(true);

    const { keyring } = loadKeyring({ keyFile: testKeyFile(dir), generateIfMissing: false });
    const { sqlite } = openDatabase(file);
    const codec = new SealingCodec(keyring, caseSalts(sqlite));
    // Before erasure the kept copy opens: the test can tell a real erasure from a failed read.
    expect(codec.decode<{ givenName: string }>(aad.person(id), before.person).givenName).toBe(NAME);
    const storage = new SqliteCaseStore(sqlite, { codec, auditKey: keyring.auditKey });
    const report = await applyRetention(storage, {
      now: new Date(Date.now() + 31 * 86_400_000),
      dryRun: false,
    });
    expect(report).toMatchObject({ erased: 1, walTruncated: true });

    // The sealed values copied out before erasure no longer open, with any key the keyring holds.
    expect(() => codec.decode(aad.person(id), before.person)).toThrow(/erased/);
    expect(() => codec.decode(aad.history(id, 2), before.history)).toThrow(/erased/);
    for (const keyId of keyring.ids()) {
      const one = { ...keyring, ids: () => [keyId] } as unknown as typeof keyring;
      expect(() => new SealingCodec(one, caseSalts(sqlite)).decode(aad.person(id), before.person)).toThrow();
    }
    await storage.close();

    // And the files hold neither the person, the note, the old sealed values nor the case's salt.
    const bytes = fileBytes(file);
    const latin = bytes.toString("latin1");
    for (const secret of [NAME, NOTE, before.person.split(".")[3]!, before.history.split(".")[3]!]) {
      expect(latin.includes(secret), secret.slice(0, 20)).toBe(false);
    }
    expect(bytes.includes(before.salt)).toBe(false);
  });
});
