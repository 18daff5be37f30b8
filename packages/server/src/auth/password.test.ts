import { describe, expect, it } from "vitest";
import { dummyPasswordHash, hashPassword, verifyPassword } from "./password.ts";

describe("passwords", () => {
  it("hashes with a per-user salt and verifies only the right password", async () => {
    const a = await hashPassword("correct horse battery");
    const b = await hashPassword("correct horse battery");
    expect(a).not.toBe(b);
    expect(a).toMatch(/^scrypt\$15\$8\$1\$/);
    expect(a).not.toContain("horse");
    expect(await verifyPassword("correct horse battery", a)).toBe(true);
    expect(await verifyPassword("correct horse batterY", a)).toBe(false);
  });

  it("refuses short passwords and malformed hashes", async () => {
    await expect(hashPassword("short")).rejects.toThrow(/at least 12/);
    expect(await verifyPassword("anything at all", "md5$abc")).toBe(false);
  });

  it("has a dummy hash that no guess matches", async () => {
    expect(await verifyPassword("correct horse battery", await dummyPasswordHash())).toBe(false);
  });
});
