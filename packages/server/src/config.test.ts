import { describe, expect, it } from "vitest";
import { loadConfig } from "./config.ts";

describe("config", () => {
  it("applies the defaults", () => {
    expect(loadConfig({})).toMatchObject({
      PORT: 3000,
      HOST: "127.0.0.1",
      DATABASE_URL: "file:./data/passerelle.db",
      LOG_LEVEL: "info",
    });
  });

  it("stops with a message naming each bad variable", () => {
    expect(() => loadConfig({ PORT: "eighty" })).toThrow(/^Invalid configuration:\n {2}PORT: /);
    try {
      loadConfig({ PORT: "eighty", LOG_LEVEL: "loud", DATABASE_URL: "mysql://x" });
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ["PORT", "LOG_LEVEL", "DATABASE_URL"]) expect(message).toContain(name);
    }
  });

  it("takes a SQLite file URL or a PostgreSQL URL as the database", () => {
    for (const url of ["file:/var/lib/p.db", "postgres://app@db:5432/p", "postgresql://app:pw@db/p"])
      expect(loadConfig({ DATABASE_URL: url }).DATABASE_URL).toBe(url);
    expect(() => loadConfig({ DATABASE_URL: "./p.db" })).toThrow(/DATABASE_URL: must be a SQLite file URL/);
    expect(loadConfig({ DATABASE_POOL_SIZE: "25" }).DATABASE_POOL_SIZE).toBe(25);
    expect(() => loadConfig({ DATABASE_POOL_SIZE: "0" })).toThrow(/DATABASE_POOL_SIZE/);
  });
});
