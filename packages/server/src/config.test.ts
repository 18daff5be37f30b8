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
      loadConfig({ PORT: "eighty", LOG_LEVEL: "loud", DATABASE_URL: "postgres://x" });
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ["PORT", "LOG_LEVEL", "DATABASE_URL"]) expect(message).toContain(name);
    }
  });
});
