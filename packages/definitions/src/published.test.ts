import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { contentHash } from "./hash.ts";
import { checkLock, readLock, updateLock } from "./publish-lock.ts";
import { shippedPathwayFiles } from "./shipped.ts";

describe("published pathways are locked", () => {
  it("every published pathway has a lock entry equal to its hash, and every entry still has its file", () => {
    // A failure here names the file: publish a new version instead of editing a published one.
    expect(checkLock(shippedPathwayFiles(), readLock()).map((p) => p.message)).toEqual([]);
  });
});

const MINIMAL = readFileSync(
  fileURLToPath(new URL("../fixtures/valid/minimal.yaml", import.meta.url)),
  "utf8",
);

function shippedIn(files: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "passerelle-lock-"));
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, path)), { recursive: true });
    writeFileSync(join(dir, path), text);
  }
  return { dir, shipped: () => shippedPathwayFiles(dir) };
}

const published = (version: number, timezone = "UTC") =>
  MINIMAL.replace("version: 1", `version: ${version}`)
    .replace("status: draft", "status: published")
    .replace("timezone: UTC", `timezone: ${timezone}`);

describe("the publish lock", () => {
  it("adds newly published versions and needs nothing for drafts", () => {
    const { shipped } = shippedIn({
      "ZZ/1.yaml": published(1),
      "ZZ/2.yaml": MINIMAL.replace("version: 1", "version: 2"),
    });
    const result = updateLock(shipped(), {});
    if (!result.ok) throw new Error(JSON.stringify(result.problems));
    expect(result.added).toEqual(["ZZ@1"]);
    expect(result.lock).toEqual({ "ZZ@1": contentHash(shipped()[0]!.pathway) });
    expect(checkLock(shipped(), result.lock)).toEqual([]);
  });

  it("asks for an entry for a published version that has none", () => {
    const { shipped } = shippedIn({ "ZZ/1.yaml": published(1) });
    expect(checkLock(shipped(), {}).map((p) => p.message)).toEqual([
      expect.stringContaining("ZZ@1 is not in the publish lock"),
    ]);
  });

  it("ignores formatting and comments, refuses a content change, naming the file", () => {
    const { dir, shipped } = shippedIn({ "ZZ/1.yaml": published(1) });
    const locked = { "ZZ@1": contentHash(shipped()[0]!.pathway) };
    writeFileSync(join(dir, "ZZ/1.yaml"), `# a comment\n${published(1).replaceAll("{ en: ", "{en: ")}`);
    expect(checkLock(shipped(), locked)).toEqual([]);
    writeFileSync(join(dir, "ZZ/1.yaml"), published(1, "Africa/Accra"));
    const result = updateLock(shipped(), locked);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems[0]?.message).toMatch(/ZZ\/1\.yaml changed after ZZ@1 was published/);
      expect(result.problems[0]?.message).toMatch(/publish a new version instead of editing/);
    }
  });

  it("refuses a published version turned back into a draft", () => {
    const { shipped } = shippedIn({ "ZZ/1.yaml": MINIMAL });
    expect(checkLock(shipped(), { "ZZ@1": "sha256:0" }).map((p) => p.message)).toEqual([
      expect.stringMatching(/is now a draft/),
    ]);
  });

  it("refuses a lock entry whose file was deleted: pinned cases must stay loadable", () => {
    const { dir, shipped } = shippedIn({ "ZZ/1.yaml": published(1), "ZZ/2.yaml": published(2) });
    const result = updateLock(shipped(), {});
    if (!result.ok) throw new Error("unexpected");
    rmSync(join(dir, "ZZ/1.yaml"));
    const problems = updateLock(shipped(), result.lock);
    expect(problems.ok).toBe(false);
    if (!problems.ok)
      expect(problems.problems.map((p) => p.message)).toEqual([
        expect.stringMatching(/ZZ@1 is in the publish lock but ZZ\/1\.yaml is gone/),
      ]);
  });
});

// Starts real processes: allow for a busy machine.
describe("the lock script", { timeout: 60_000 }, () => {
  const script = fileURLToPath(new URL("../scripts/lock-published.ts", import.meta.url));
  const run = (dir: string) =>
    spawnSync(process.execPath, ["--import", "tsx", script, dir], { encoding: "utf8" });

  it("locks a newly published version, then refuses an edit of it and leaves the lock alone", () => {
    const { dir } = shippedIn({ "ZZ/1.yaml": published(1) });
    const first = run(dir);
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/^locked ZZ@1 sha256:[0-9a-f]{64}$/m);
    const lock = readFileSync(join(dir, "published.lock.json"), "utf8");

    writeFileSync(join(dir, "ZZ/1.yaml"), published(1, "Africa/Accra"));
    const second = run(dir);
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(
      /ZZ\/1\.yaml changed after ZZ@1 was published .*publish a new version instead of editing/,
    );
    expect(readFileSync(join(dir, "published.lock.json"), "utf8")).toBe(lock);
  });
});
