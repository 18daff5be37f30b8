/**
 * A committee adds a public holiday with the CLI, on a real SQLite file: open tasks whose due time
 * it moves are re-timed in one audited step (history row, revision raised, audit entry), the dry
 * run changes nothing, bad input changes nothing, running it twice moves nothing more, and the
 * server counts the holiday for new deadlines.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { loadKeyring } from "../crypto/keyring.ts";
import { AuditLog } from "../storage/sqlite/testing-audit-log.ts";
import { build, tempDir, testKeyFile } from "../testing/build.ts";
import { openCase } from "../testing/fixtures.ts";
import { refreshCalendars } from "./calendar-dirs.ts";

const BIN = fileURLToPath(new URL("../../bin/passerelle.mjs", import.meta.url));
const dir = tempDir();
const file = join(dir, "calendar.db");
const calendarsDir = join(dir, "calendars");
// The CLI's key file (its audit entries are chained under the key's audit key).
const { keyring } = loadKeyring({ keyFile: testKeyFile(dir), generateIfMissing: true });
const previous = process.env.PASSERELLE_CALENDARS_DIR;
process.env.PASSERELLE_CALENDARS_DIR = calendarsDir;
afterAll(() => {
  if (previous === undefined) delete process.env.PASSERELLE_CALENDARS_DIR;
  else process.env.PASSERELLE_CALENDARS_DIR = previous;
});

function passerelle(args: string[]) {
  const { INIT_CWD: _initCwd, npm_lifecycle_event: _event, PASSERELLE_KEY: _key, ...env } = process.env;
  const result = spawnSync(
    process.execPath,
    [
      BIN,
      "calendars",
      "add-holiday",
      ...args,
      "--calendars-dir",
      calendarsDir,
      "--database-url",
      `file:${file}`,
    ],
    { encoding: "utf8", env: { ...env, PASSERELLE_KEY_FILE: testKeyFile(dir) } },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Local date and time of an instant in the tiny pathway's zone. */
function london(iso: string): { date: string; time: string; weekday: number } {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", {
      timeZone: "Europe/London",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
      weekday: "short",
      hourCycle: "h23",
    })
      .formatToParts(new Date(iso))
      .map((p) => [p.type, p.value]),
  );
  const weekday = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday!) + 1;
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}`,
    weekday,
  };
}

/** The next working day after a date: not Saturday or Sunday, not one of ZZ's own holidays. */
function nextWorkingDay(date: string): string {
  const own = ["2026-04-03", "2026-04-06", "2026-12-25", "2026-12-28"];
  let day = new Date(`${date}T12:00:00Z`);
  for (;;) {
    day = new Date(day.getTime() + 86_400_000);
    const iso = day.toISOString().slice(0, 10);
    const weekday = day.getUTCDay();
    if (weekday !== 0 && weekday !== 6 && !own.includes(iso)) return iso;
  }
}

const screeningTask = (db: Database.Database, caseId: string) =>
  db
    .prepare(
      "SELECT due_at, escalation, next_at FROM tasks WHERE case_id = ? AND status = 'open' AND task_id = 'screening'",
    )
    .get(caseId) as { due_at: string; escalation: string; next_at: string };

describe("passerelle calendars add-holiday", { timeout: 120_000 }, () => {
  let caseId = "";
  let due = "";
  let holiday = "";

  it("opens a case whose screening deadline counts working days", async () => {
    const t = await build({ dir, file, shipped: false });
    caseId = (await openCase(t.app)).id;
    await t.close({ keepFile: true });
    const db = new Database(file, { readonly: true });
    due = screeningTask(db, caseId).due_at;
    db.close();
    holiday = london(due).date;
    expect(london(due).weekday).toBeLessThan(6);
  });

  it("refuses bad input and changes nothing", () => {
    for (const args of [
      ["--country", "ZZ", "--date", "2026-13-01", "--name", "Bad", "--source", "Decree"],
      ["--country", "zz", "--date", holiday, "--name", "Bad", "--source", "Decree"],
    ]) {
      const result = passerelle(args);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^error: /m);
    }
    expect(existsSync(join(calendarsDir, "ZZ"))).toBe(false);
  });

  it("dry run: says which task would move, changes nothing", () => {
    const result = passerelle([
      "--country",
      "ZZ",
      "--date",
      holiday,
      "--name",
      "Test Day",
      "--source",
      "Decree 1",
      "--dry-run",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`${caseId}\tZZ@1\tidentification.intake/screening#1\t${due} → `);
    expect(result.stdout).toContain("(dry run: nothing changed)");
    expect(existsSync(join(calendarsDir, "ZZ"))).toBe(false);
    const db = new Database(file, { readonly: true });
    expect(screeningTask(db, caseId).due_at).toBe(due);
    db.close();
  });

  it("adds the holiday and re-times the task in one audited step with a history row", () => {
    const result = passerelle([
      "--country",
      "ZZ",
      "--date",
      holiday,
      "--name",
      "Test Day",
      "--source",
      "Decree 1",
    ]);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("calendar ZZ");
    expect(existsSync(join(calendarsDir, "ZZ", `${holiday.slice(0, 4)}.yaml`))).toBe(true);
    const db = new Database(file, { readonly: true });
    const task = screeningTask(db, caseId);
    // Same local time of day, on the next working day after the holiday.
    expect(london(task.due_at)).toMatchObject({ date: nextWorkingDay(holiday), time: london(due).time });
    const ladder = JSON.parse(task.escalation) as { step: number; at: string }[];
    expect(ladder[0]!.at).toBe(task.due_at);
    expect(task.next_at).toBe(task.due_at);
    const c = db.prepare("SELECT revision, next_due_at FROM cases WHERE id = ?").get(caseId) as {
      revision: number;
      next_due_at: string;
    };
    expect(c.revision).toBe(2);
    const history = db
      .prepare(
        "SELECT seq, event_type, from_state, to_state, data, audit_seq FROM case_history WHERE case_id = ? ORDER BY seq",
      )
      .all(caseId) as {
      seq: number;
      event_type: string;
      from_state: string;
      to_state: string;
      data: string;
      audit_seq: number;
    }[];
    expect(history.at(-1)).toMatchObject({
      seq: 2,
      event_type: "CALENDAR_RETIMED",
      from_state: "identification.intake",
      to_state: "identification.intake",
    });
    expect(JSON.parse(history.at(-1)!.data).tasks).toEqual([
      { key: "identification.intake/screening#1", from: due, to: task.due_at },
    ]);
    const audit = db
      .prepare("SELECT action, target_id, outcome FROM audit_log WHERE seq = ?")
      .get(history.at(-1)!.audit_seq);
    expect(audit).toEqual({ action: "calendar.retime", target_id: caseId, outcome: "allowed" });
    expect(new AuditLog(db, keyring.auditKey).verify().ok).toBe(true);
    db.close();
  });

  it("running it again moves nothing more", () => {
    const result = passerelle([
      "--country",
      "ZZ",
      "--date",
      holiday,
      "--name",
      "Test Day",
      "--source",
      "Decree 1",
    ]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("calendar unchanged; 0 open tasks in 0 cases re-timed");
  });

  it("the server counts the committee's holiday for a new case's deadline", async () => {
    refreshCalendars();
    const t = await build({ dir, file, shipped: false });
    const opened = await openCase(t.app);
    // The re-timing is in the case's history as the API serves it.
    const history = await t.app.inject({ method: "GET", url: `/v1/cases/${caseId}/history` });
    expect(history.statusCode).toBe(200);
    expect(JSON.stringify(history.json())).toContain("CALENDAR_RETIMED");
    await t.close({ keepFile: true });
    const db = new Database(file, { readonly: true });
    const fresh = screeningTask(db, opened.id).due_at;
    db.close();
    // Opened after the first case, on the same day or later: never due on the holiday.
    expect(london(fresh).date).not.toBe(holiday);
  });
});
