import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { contentHash, loadPathwayFile } from "@passerelle/definitions";
import { describe, expect, it } from "vitest";

const BIN = fileURLToPath(new URL("../../bin/passerelle.mjs", import.meta.url));
const FIXTURES = fileURLToPath(new URL("../../../definitions/fixtures/", import.meta.url));
const GOOD = `${FIXTURES}valid/minimal.yaml`;
const UNKNOWN_FIELD = `${FIXTURES}broken/unknown-field.yaml`;
const TOP_LEVEL = `${FIXTURES}broken/top-level-stage.yaml`;
const UNKNOWN_TARGET = `${FIXTURES}broken/unknown-target.yaml`;
const UNKNOWN_EVENT = `${FIXTURES}broken/unknown-event.yaml`;
const SHIPPED = fileURLToPath(new URL("../../../definitions/pathways/", import.meta.url));

/** Runs the real command, through the launcher, as a user would. */
function passerelle(...args: string[]) {
  const { INIT_CWD: _initCwd, npm_lifecycle_event: _event, ...env } = process.env;
  const result = spawnSync(process.execPath, [BIN, ...args], { encoding: "utf8", env });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

// Each test starts real processes; on a busy 2-core machine that can take longer than the default 5 s.
describe("passerelle pathways", { timeout: 60_000 }, () => {
  it("validate: a good file is valid (exit 0); a schema problem prints its path and line (exit 1)", () => {
    const good = passerelle("pathways", "validate", GOOD);
    expect(good).toMatchObject({ code: 0, stdout: `${GOOD}: valid (ZZ@1, draft)\n` });

    const bad = passerelle("pathways", "validate", GOOD, TOP_LEVEL);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toMatch(
      new RegExp(
        `^${TOP_LEVEL}:\\d+:3: states\\.aftercare: 'aftercare' is not a top-level stage: top-level ids cannot be renamed`,
        "m",
      ),
    );
    expect(bad.stderr).toBe("1 problem in 2 files\n");
  });

  it("validate: a misspelled target or an undeclared event is not valid (lint runs too)", () => {
    for (const [file, rule] of [
      [UNKNOWN_TARGET, "unknown-target"],
      [UNKNOWN_EVENT, "unknown-event"],
    ] as const) {
      const result = passerelle("pathways", "validate", file);
      expect(result.code).toBe(1);
      expect(result.stdout).not.toContain("valid (");
      expect(result.stdout).toMatch(new RegExp(`^${file}:\\d+:\\d+: \\S+: .+ \\[${rule}\\]$`, "m"));
    }
  });

  it("lint over folders: every pathway below them, scenarios and the publish lock left out", () => {
    const result = passerelle("pathways", "lint", SHIPPED);
    expect(result).toMatchObject({ code: 0, stderr: "" });
    const lines = result.stdout.trim().split("\n");
    expect(lines.length).toBeGreaterThanOrEqual(7);
    for (const line of lines) expect(line).toMatch(/\/[A-Z]+\/[1-9][0-9]*\.yaml: no problems$/);

    const named = passerelle("pathways", "lint", `${SHIPPED}GH/1.yaml`, `${SHIPPED}GH/1.scenarios.yaml`);
    expect(named.code).toBe(0);
    expect(named.stdout).toContain(
      `${SHIPPED}GH/1.scenarios.yaml: not a pathway (scenarios or publish lock), skipped`,
    );
  });

  it("lint: a clean file has no problems; every lint problem prints as file:line:col: path: message [rule]", () => {
    expect(passerelle("pathways", "lint", GOOD)).toMatchObject({ code: 0, stdout: `${GOOD}: no problems\n` });

    const bad = passerelle("pathways", "lint", UNKNOWN_FIELD);
    expect(bad.code).toBe(1);
    const lines = bad.stdout.trim().split("\n");
    expect(lines).toHaveLength(4);
    for (const line of lines)
      expect(line).toMatch(new RegExp(`^${UNKNOWN_FIELD}:\\d+:\\d+: \\S+: .+ \\[unknown-field\\]$`));
    expect(lines).toContain(
      `${UNKNOWN_FIELD}:42:9: states.identification.tasks[0].anchor: no transition records or stamps fact 'identifiedAt' [unknown-field]`,
    );
  });

  it("lint: schema problems are tagged [schema], or with the rule that explains them", () => {
    const bad = passerelle("pathways", "lint", TOP_LEVEL, `${FIXTURES}does-not-exist.yaml`);
    expect(bad.code).toBe(1);
    expect(bad.stdout).toContain("[top-level-stage]");
    expect(bad.stdout).toContain(`${FIXTURES}does-not-exist.yaml: cannot read: ENOENT [schema]`);
  });

  it("hash: prints the content hash the publish lock records", () => {
    const parsed = loadPathwayFile(GOOD);
    if (!parsed.ok) throw new Error("fixture must be valid");
    expect(passerelle("pathways", "hash", GOOD)).toMatchObject({
      code: 0,
      stdout: `${contentHash(parsed.pathway)}  ${GOOD}\n`,
    });
    expect(passerelle("pathways", "hash", TOP_LEVEL).code).toBe(1);
  });

  it("diagram: prints Mermaid; refuses a language the pathway does not have", () => {
    const diagram = passerelle("pathways", "diagram", GOOD, "--lang", "en");
    expect(diagram.code).toBe(0);
    expect(diagram.stdout).toMatch(/^stateDiagram-v2\n/);
    expect(diagram.stdout).toContain("Reintegrated");
    const wrong = passerelle("pathways", "diagram", GOOD, "--lang", "fr");
    expect(wrong).toMatchObject({ code: 1, stdout: "" });
    expect(wrong.stderr).toMatch(/no labels in 'fr'/);
  });

  it("diagram: refuses a pathway that fails lint (no arrow to a state that does not exist)", () => {
    const result = passerelle("pathways", "diagram", UNKNOWN_TARGET);
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toMatch(/SCREENED\[1\]\.target: .*\[unknown-target\]/);
  });

  it("list: every shipped pathway with version, status and hash", () => {
    const list = passerelle("pathways", "list");
    expect(list.code).toBe(0);
    const [header, ...rows] = list.stdout.trim().split("\n");
    expect(header).toMatch(/^COUNTRY\s+VERSION\s+STATUS\s+EFFECTIVE\s+HASH\s+LOCK\s+FILE$/);
    expect(
      rows.some((row) =>
        /^GH\s+1\s+(draft|published)\s+\d{4}-\d{2}-\d{2}\s+sha256:[0-9a-f]{64}\s+(-|locked|not locked|CHANGED)\s/.test(
          row,
        ),
      ),
    ).toBe(true);
  });

  it("exits 1 with help on an unknown command", () => {
    const result = passerelle("pathways", "frobnicate");
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/unknown command 'frobnicate'/);
  });
});
