import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { buildProtected, OWN, type ProtectedApp } from "../auth/testing.ts";
import { keysInUse, rotateRecords } from "../storage/sqlite/key-rotation.ts";
import { openDatabase } from "../storage/sqlite/open.ts";
import { testKeyFile } from "../testing/build.ts";
import { ADULT } from "../testing/fixtures.ts";
import { sealedKeyId } from "./cipher.ts";
import { addKeyToFile } from "./keyring.ts";

const NAME = ADULT.familyName; // "Testperson"
const NOTE = "met near the Tamale bus station";
let fx: ProtectedApp | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** The database file and its WAL, as bytes: what someone who copies the disk gets. */
function rawBytes(file: string): string {
  const parts = [file, `${file}-wal`].map((f) => {
    try {
      return readFileSync(f).toString("latin1");
    } catch {
      return "";
    }
  });
  return parts.join("");
}

async function caseWithPersonalData(app: ProtectedApp) {
  const opened = await app.openCase(
    { ...ADULT, identityNumber: "GH-ID-99812", mobilePhone: "+233200000001" },
    OWN,
  );
  const headers = await app.headers("caseworker");
  await app.app.inject({
    method: "POST",
    url: `/v1/cases/${opened.id}/consents`,
    headers,
    payload: {
      scope: "referral",
      given: true,
      method: "guardian",
      guardian: { name: "Guardianname Example", relationship: "parent" },
      expectedRevision: 1,
    },
  });
  const screened = await app.app.inject({
    method: "POST",
    url: `/v1/cases/${opened.id}/events`,
    headers,
    payload: {
      type: "SCREENING_COMPLETED",
      data: { outcome: "trafficking", notes: NOTE },
      expectedRevision: 2,
    },
  });
  expect(screened.statusCode).toBe(200);
  return opened.id;
}

describe("personal data at rest", () => {
  it("the raw database file holds no name, identity number, phone, guardian or free-text note", async () => {
    fx = await buildProtected();
    const caseId = await caseWithPersonalData(fx);
    const { file } = fx;
    // The API still returns them to a caseworker in reach, through the one audited route.
    const read = await fx.app.inject({
      method: "GET",
      url: `/v1/cases/${caseId}/person?purpose=followUp`,
      headers: await fx.headers("caseworker"),
    });
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({
      person: { familyName: NAME, identityNumber: "GH-ID-99812" },
      events: [{ event: "SCREENING_COMPLETED", fields: { notes: NOTE } }],
    });
    const audited = await fx.app.store.audit.list({ limit: 100, targetType: "case", targetId: caseId });
    expect(audited.some((e) => e.action === "person.read" && e.reason === "followUp")).toBe(true);
    const outside = await fx.app.inject({
      method: "GET",
      url: `/v1/cases/${caseId}/person`,
      headers: await fx.headers("supervisor", "welfare"),
    });
    expect(outside.statusCode).toBe(404);
    await fx.close({ keepFile: true });
    fx = undefined;
    const bytes = rawBytes(file);
    expect(bytes.length).toBeGreaterThan(10_000);
    for (const secret of [NAME, "GH-ID-99812", "+233200000001", "Guardianname", "Tamale"]) {
      expect(bytes.includes(secret), secret).toBe(false);
    }
    // Reportable attributes stay queryable in the clear.
    const db = new Database(file, { readonly: true });
    const row = db
      .prepare(
        "SELECT sex, nationality, age_band, stage, country, person FROM cases JOIN case_personal ON case_id = id WHERE id = ?",
      )
      .get(caseId) as Record<string, string>;
    db.close();
    expect(row).toMatchObject({ sex: "female", nationality: "GH", country: "ZZ", stage: "screening" });
    expect(row.age_band).toMatch(/--|\+/);
    expect(String(row.person).startsWith("pse2.")).toBe(true);
  });

  it("key rotation re-seals every record under the new key and leaves every record readable", async () => {
    fx = await buildProtected();
    const ids = [await caseWithPersonalData(fx), await caseWithPersonalData(fx)];
    const { file, dir } = fx;
    const keyFile = testKeyFile(dir);
    await fx.close({ keepFile: true });

    const { sqlite } = openDatabase(file);
    const before = keysInUse(sqlite).keyIds;
    const { keyring, newKeyId } = addKeyToFile(keyFile);
    const report = rotateRecords(sqlite, keyring);
    expect(report.resealed["case_personal.person"]).toBe(2);
    expect(report.resealed["case_history.personal_data"]).toBe(2);
    expect(report.resealed["consents.guardian"]).toBe(2);
    const after = keysInUse(sqlite);
    sqlite.close();
    expect([...before]).not.toContain(newKeyId);
    expect([...after.keyIds]).toEqual([newKeyId]);
    expect(after.plain).toBe(0);

    // Restart on the rotated file with the rotated key file: everything opens.
    fx = await buildProtected({ file, dir });
    for (const id of ids) {
      const history = await fx.app.inject({
        method: "GET",
        url: `/v1/cases/${id}/history`,
        headers: await fx.headers("caseworker"),
      });
      expect(history.statusCode).toBe(200);
      const person = await fx.app.inject({
        method: "GET",
        url: `/v1/cases/${id}/person`,
        headers: await fx.headers("caseworker"),
      });
      expect(person.json().guardians[0].name).toBe("Guardianname Example");
    }
    const raw = new Database(file, { readonly: true });
    const person = raw
      .prepare("SELECT person FROM case_personal WHERE case_id = ?")
      .pluck()
      .get(ids[0]) as string;
    raw.close();
    expect(sealedKeyId(person)).toBe(newKeyId);
  });
});
