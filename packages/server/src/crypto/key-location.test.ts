import { mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase } from "../storage/sqlite/open.ts";
import { keyringFor, keySettingsFromEnv } from "../storage/sqlite/protect-store.ts";
import { tempDir } from "../testing/build.ts";
import { defaultKeyFile, loadKeyring } from "./keyring.ts";

describe("where the data key lives by default", () => {
  it("outside the data directory, in the configuration directory, one file per database", () => {
    const config = tempDir();
    const env = { XDG_CONFIG_HOME: config };
    const a = join(tempDir(), "data", "passerelle.db");
    const b = join(tempDir(), "data", "passerelle.db");
    const settings = keySettingsFromEnv(a, env);
    expect(settings.keyFile.startsWith(join(config, "passerelle", "keys"))).toBe(true);
    expect(dirname(settings.keyFile)).not.toBe(dirname(a));
    expect(defaultKeyFile(b, env)).not.toBe(settings.keyFile);
    expect(keySettingsFromEnv(a, { ...env, PASSERELLE_KEY_FILE: "/elsewhere/k.json" }).keyFile).toBe(
      "/elsewhere/k.json",
    );
  });

  it("says at start where the key is, and warns when it sits beside the database", () => {
    const dir = tempDir();
    const file = join(dir, "passerelle.db");
    const legacy = join(dir, "keys.json");
    mkdirSync(dir, { recursive: true });
    loadKeyring({ keyFile: legacy, generateIfMissing: true });
    const settings = keySettingsFromEnv(file, { XDG_CONFIG_HOME: tempDir() });
    expect(settings.keyFile).toBe(legacy);
    const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
    const log = {
      info: (obj: Record<string, unknown>, msg: string) => lines.push({ level: "info", obj, msg }),
      warn: (obj: Record<string, unknown>, msg: string) => lines.push({ level: "warn", obj, msg }),
    };
    const { sqlite } = openDatabase(file);
    keyringFor(sqlite, settings, log as never);
    sqlite.close();
    expect(lines.find((l) => l.level === "info")?.obj.keyFile).toBe(legacy);
    expect(lines.some((l) => l.level === "warn" && /beside the database/.test(l.msg))).toBe(true);
  });
});
