import { mkdtempSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { generateDataKey } from "./data-key.ts";
import { addKeyToFile, loadKeyring, pruneKeyFile, readKeyFile } from "./keyring.ts";

const tempDir = () => mkdtempSync(join(tmpdir(), "passerelle-keys-"));

describe("loadKeyring", () => {
  it("generates a 0600 key file on a fresh start and reuses it afterwards", () => {
    const keyFile = join(tempDir(), "data", "keys.json");
    const first = loadKeyring({ keyFile, generateIfMissing: true });
    expect(first.source).toMatchObject({ kind: "file", generated: true });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const again = loadKeyring({ keyFile, generateIfMissing: true });
    expect(again.source).toMatchObject({ kind: "file", generated: false });
    expect(again.keyring.active.key.equals(first.keyring.active.key)).toBe(true);
  });

  it("refuses to start without a key when generation is off", () => {
    expect(() => loadKeyring({ keyFile: join(tempDir(), "keys.json"), generateIfMissing: false })).toThrow(
      /no data key/,
    );
  });

  it("prefers PASSERELLE_KEY and accepts previous keys for reading", () => {
    const active = generateDataKey();
    const old = generateDataKey();
    const { keyring, source } = loadKeyring({
      envKey: active.key.toString("base64"),
      envPreviousKeys: ` ${old.key.toString("base64")} `,
      keyFile: join(tempDir(), "keys.json"),
      generateIfMissing: true,
    });
    expect(source).toEqual({ kind: "env", activeId: active.id, previous: 1, auditKey: false });
    expect(keyring.ids()).toEqual([active.id, old.id]);
  });

  it("rejects a key of the wrong length", () => {
    expect(() =>
      loadKeyring({
        envKey: Buffer.alloc(16).toString("base64"),
        keyFile: "unused",
        generateIfMissing: false,
      }),
    ).toThrow(/32 bytes/);
  });

  it("rotating the file adds an active key, keeps the old one, and pruning drops unused ones", () => {
    const keyFile = join(tempDir(), "keys.json");
    const { keyring: before } = loadKeyring({ keyFile, generateIfMissing: true });
    const { keyring, newKeyId, previousKeyId } = addKeyToFile(keyFile);
    expect(previousKeyId).toBe(before.active.id);
    expect(keyring.active.id).toBe(newKeyId);
    expect(keyring.get(previousKeyId)).toBeDefined();
    expect(pruneKeyFile(keyFile, new Set([newKeyId]))).toEqual([previousKeyId]);
    expect(readKeyFile(keyFile).keys.map((k) => k.id)).toEqual([newKeyId]);
    expect(readFileSync(keyFile, "utf8")).not.toContain(before.active.key.toString("base64"));
  });
});
