import { describe, expect, it } from "vitest";
import { open, openJson, reseal, SealError, seal, sealedKeyId, sealJson } from "./cipher.ts";
import { generateDataKey } from "./data-key.ts";
import { Keyring } from "./keyring.ts";

describe("seal / open", () => {
  const keyring = new Keyring(generateDataKey());

  it("round-trips and never contains the plaintext", () => {
    const sealed = seal(keyring, "Ama Mensah", "case:c1:person");
    expect(sealed).not.toContain("Ama");
    expect(sealed.startsWith(`pse1.${keyring.active.id}.`)).toBe(true);
    expect(open(keyring, sealed, "case:c1:person")).toBe("Ama Mensah");
  });

  it("uses a fresh IV each time", () => {
    expect(seal(keyring, "x", "a")).not.toBe(seal(keyring, "x", "a"));
  });

  it("refuses a value moved to another record (AAD binding)", () => {
    const sealed = sealJson(keyring, { firstName: "Ama" }, "case:c1:person");
    expect(() => openJson(keyring, sealed, "case:c2:person")).toThrow(SealError);
  });

  it("detects a flipped ciphertext bit", () => {
    const sealed = seal(keyring, "secret", "a");
    const parts = sealed.split(".");
    const body = Buffer.from(parts[3]!, "base64url");
    body[0] = body[0]! ^ 1;
    parts[3] = body.toString("base64url");
    expect(() => open(keyring, parts.join("."), "a")).toThrow(/authentication/);
  });

  it("names an unknown key instead of failing obscurely", () => {
    const other = new Keyring(generateDataKey());
    const sealed = seal(other, "x", "a");
    try {
      open(keyring, sealed, "a");
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(SealError);
      expect((error as SealError).reason).toBe("unknownKey");
    }
  });

  it("reseal moves a value to the active key and leaves current ones alone", () => {
    const oldKey = generateDataKey();
    const sealedOld = seal(new Keyring(oldKey), "Kofi", "a");
    const rotated = new Keyring(generateDataKey(), [oldKey]);
    const resealed = reseal(rotated, sealedOld, "a");
    expect(sealedKeyId(resealed)).toBe(rotated.active.id);
    expect(open(rotated, resealed, "a")).toBe("Kofi");
    expect(reseal(rotated, resealed, "a")).toBe(resealed);
  });
});
