/**
 * Where a PostgreSQL database's key file is by default: in the configuration directory, named after
 * the database and its server, never after who connects (rotating the database password must not
 * orphan the key file, and a file name must not carry a credential).
 */
import { describe, expect, it } from "vitest";
import { keySettingsFor, postgresKeyFile } from "./store-keys.ts";

const env = { XDG_CONFIG_HOME: "/cfg" };

describe("the default key file of a PostgreSQL database", () => {
  it("is the same whoever connects, and differs per database and per server", () => {
    const file = postgresKeyFile("postgres://app:first-password@db.internal:5432/passerelle", env);
    expect(file).toMatch(/^\/cfg\/passerelle\/keys\/pg-passerelle-[0-9a-f]{12}\.json$/);
    expect(file).not.toContain("first-password");
    expect(postgresKeyFile("postgresql://other:second@db.internal/passerelle", env)).toBe(file);
    expect(postgresKeyFile("postgres://app@db.internal:5432/passerelle_staging", env)).not.toBe(file);
    expect(postgresKeyFile("postgres://app@db2.internal:5432/passerelle", env)).not.toBe(file);
  });

  it("gives way to PASSERELLE_KEY_FILE and PASSERELLE_KEY, as for a SQLite file", () => {
    const url = "postgres://app@db.internal/passerelle";
    expect(keySettingsFor(url, { ...env, PASSERELLE_KEY_FILE: "/keys/k.json" }).keyFile).toBe("/keys/k.json");
    expect(keySettingsFor(url, { ...env, PASSERELLE_KEY: "abc" }).envKey).toBe("abc");
    expect(keySettingsFor(url, env).keyFile).toBe(postgresKeyFile(url, env));
  });
});
