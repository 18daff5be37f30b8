import { rmSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../storage/sqlite/open.ts";
import { type AuditDraft, AuditLog } from "../storage/sqlite/testing-audit-log.ts";
import { olderDatabase } from "../storage/sqlite/testing-migrations.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const draft = (action: string, details: AuditDraft["details"] = null): AuditDraft => ({
  actorUserId: "user_1",
  actorAgencyId: "ZZ:police",
  actorRole: "caseworker",
  tokenId: "token_1",
  action,
  targetType: "case",
  targetId: "case_1",
  outcome: "allowed",
  reason: "case:act",
  ip: "127.0.0.1",
  requestId: "r",
  details,
});

describe("migration 0006_audit_event_links", () => {
  it("links the events already audited to their entries, so that a case's audit lists them all", () => {
    const { root, file, old } = olderDatabase(6);
    dirs.push(root);
    const log = new AuditLog(old);
    const history = old.prepare(
      `INSERT INTO case_history (case_id, seq, event_type, data, from_state, to_state, actor, at, pathway_version)
       VALUES ('case_1', ?, ?, '{}', NULL, 'screening.pending', 'user_1', '2026-01-01T00:00:00.000Z', 1)`,
    );
    log.append(draft("case.create"));
    history.run(1, "CASE_OPENED");
    log.append(draft("case.event", { event: "RISK_ASSESSED", revision: 2 }));
    history.run(2, "RISK_ASSESSED");
    log.append(draft("case.read", { route: "/v1/cases/:id" }));
    log.append(draft("case.event", { event: "RISK_ASSESSED", revision: 3 }));
    history.run(3, "RISK_ASSESSED");
    old.close();

    const { sqlite } = openDatabase(file);
    const links = sqlite.prepare("SELECT seq, audit_seq FROM case_history ORDER BY seq").all();
    const listed = new AuditLog(sqlite)
      .list({ limit: 10, targetType: "case", targetId: "case_1" })
      .map((e) => [e.seq, e.action]);
    const verified = new AuditLog(sqlite).verify();
    sqlite.close();
    // The opening's entry stays in the target index; the events' are found through their rows.
    expect(links).toEqual([
      { seq: 1, audit_seq: null },
      { seq: 2, audit_seq: 2 },
      { seq: 3, audit_seq: 4 },
    ]);
    expect(listed).toEqual([
      [1, "case.create"],
      [2, "case.event"],
      [3, "case.read"],
      [4, "case.event"],
    ]);
    expect(verified.ok).toBe(true);
  });
});
