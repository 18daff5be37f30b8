import { describe, expect, it } from "vitest";
import { bearerToken, checkToken, generateToken, hashToken, isWellFormedToken } from "./token.ts";

describe("tokens", () => {
  it("are 256-bit, prefixed, and stored as a hash that does not contain them", () => {
    const token = generateToken();
    expect(isWellFormedToken(token)).toBe(true);
    expect(Buffer.from(token.slice(4), "base64url")).toHaveLength(32);
    expect(hashToken(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(hashToken(token)).not.toBe(hashToken(generateToken()));
    expect(isWellFormedToken("psr_short")).toBe(false);
  });

  it("parses the bearer header", () => {
    expect(bearerToken("Bearer abc")).toBe("abc");
    expect(bearerToken("bearer abc ")).toBe("abc");
    expect(bearerToken("Basic abc")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });

  it("rejects revoked and expired tokens", () => {
    const now = new Date("2026-01-01T00:00:00Z");
    const base = { id: "t", userId: "u", expiresAt: "2026-01-02T00:00:00Z", revokedAt: null };
    expect(checkToken(base, now)).toBeUndefined();
    expect(checkToken({ ...base, expiresAt: "2026-01-01T00:00:00Z" }, now)).toBe("expired");
    expect(checkToken({ ...base, revokedAt: "2025-12-31T00:00:00Z" }, now)).toBe("revoked");
    expect(checkToken(undefined, now)).toBe("unknown");
    expect(checkToken({ ...base, expiresAt: null }, now)).toBeUndefined();
  });
});
