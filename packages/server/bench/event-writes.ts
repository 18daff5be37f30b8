/**
 * In-process cost of the event write path, without HTTP (a profiling aid, not the benchmark):
 * `pnpm --filter @passerelle/server exec tsx bench/event-writes.ts [events]`.
 *
 * Opens 500 cases of the made-up ZZ pathway on a fresh file (protections on: sealed person, chained
 * audit entry per event), then applies RISK_ASSESSED events in batches of 50, as the group commit
 * does under the event benchmark, and prints µs per event for: the whole command inside its batch
 * (read, decide, write, audit; COMMIT with fsync included), the same without the audit entry, the
 * same keeping written cases (as the writer thread does: no read back), and the parts measured
 * apart (read of the case, the engine's step, the audit append).
 * Add `--cpu-prof` to node's arguments to see where the time goes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PATHWAYS_DIR } from "@passerelle/definitions";
import { type AuditDraft, AuditLog } from "../src/audit/audit-log.ts";
import { CaseService } from "../src/cases/case-service.ts";
import { type EventCommand, PathwayDecider } from "../src/cases/decide-event.ts";
import { loadKeyring } from "../src/crypto/keyring.ts";
import { SealingCodec } from "../src/crypto/personal-data-codec.ts";
import { openDatabase } from "../src/db/open.ts";
import { PathwayRegistry } from "../src/pathways/pathway-registry.ts";
import { BatchTransaction } from "../src/store/sqlite/batch-transaction.ts";
import { CaseWrites } from "../src/store/sqlite/case-writes.ts";
import { SqliteCaseStore } from "../src/store/sqlite/sqlite-case-store.ts";
import { prepareCaseReads, readAggregate } from "../src/store/sqlite/statements.ts";
import { TEST_PATHWAYS_DIR } from "../src/testing/build.ts";

const EVENTS = Number(process.argv[2] ?? 20_000);
const CASES = 500;
const BATCH = 50;
const dir = mkdtempSync(join(tmpdir(), "passerelle-writes-"));
const log = (line: string) => process.stdout.write(`${line}\n`);

try {
  const { sqlite } = openDatabase(join(dir, "writes.db"));
  const { keyring } = loadKeyring({ keyFile: join(dir, "keys.json"), generateIfMissing: true });
  const codec = new SealingCodec(keyring);
  const audit = new AuditLog(sqlite);
  const store = new SqliteCaseStore(sqlite, { codec, audit });
  const pathways = await PathwayRegistry.load(store, [PATHWAYS_DIR, TEST_PATHWAYS_DIR], new Date());
  const decider = new PathwayDecider(pathways);
  store.usePathways(pathways);
  const service = new CaseService(store, pathways);
  const person = { givenName: "Bench", familyName: "Person", ageUncertain: true };
  const identification = { date: "2026-11-02", agency: "police", method: "outreach" as const };
  const cases: { id: string; revision: number }[] = [];
  for (let i = 0; i < CASES; i++) {
    const opened = await service.open({ country: "ZZ", person, identification }, "bench");
    const screened = await service.applyEvent(
      opened.id,
      {
        type: "SCREENING_COMPLETED",
        data: { outcome: "trafficking" },
        expectedRevision: 1,
      },
      "bench",
    );
    cases.push({ id: opened.id, revision: screened.revision });
  }
  await store.close();

  // The write half alone, on its own connection, as the writer thread runs it.
  const { sqlite: writer } = openDatabase(join(dir, "writes.db"));
  const transaction = new BatchTransaction(writer);
  const withAudit = new CaseWrites(writer, { codec, audit: new AuditLog(writer), pathways: () => pathways });
  const withoutAudit = new CaseWrites(writer, { codec, pathways: () => pathways });
  const keeping = new CaseWrites(writer, {
    codec,
    audit: new AuditLog(writer),
    pathways: () => pathways,
    keepWritten: true,
  });
  const draft: AuditDraft = {
    actorUserId: "user_bench",
    actorAgencyId: "ZZ:police",
    actorRole: "caseworker",
    tokenId: "token_bench",
    action: "case.event",
    targetType: "case",
    outcome: "allowed" as const,
    ip: "127.0.0.1",
    requestId: "00000000-0000-4000-8000-000000000000",
    targetId: null,
    reason: null,
    details: null,
  };
  let next = 0;
  const command = (auditIt: boolean): EventCommand => {
    const c = cases[next++ % CASES]!;
    return {
      caseId: c.id,
      expectedRevision: c.revision++,
      event: { type: "RISK_ASSESSED", data: { riskLevel: (next % 5) + 1 } },
      actor: "user_bench",
      at: new Date().toISOString(),
      role: "caseworker",
      ...(auditIt && { audit: draft }),
    };
  };
  /** Rounds of EVENTS / 5 events; the machine is shared, so the best and the median round are printed. */
  const timeBatches = (label: string, writes: CaseWrites, auditIt: boolean) => {
    const perEvent: number[] = [];
    for (let round = 0; round < 5; round++) {
      const started = performance.now();
      const events = Math.ceil(EVENTS / 5 / BATCH) * BATCH;
      for (let done = 0; done < events; done += BATCH) {
        const commands = Array.from({ length: BATCH }, () => command(auditIt));
        const outcomes = transaction.run(
          commands.map((c) => () => writes.applyEvent(c)),
          () => writes.batchBegan(),
        );
        writes.batchEnded(true);
        if (!outcomes.every((o) => o.ok)) throw new Error(`a write failed: ${JSON.stringify(outcomes[0])}`);
      }
      perEvent.push(((performance.now() - started) * 1000) / events);
    }
    perEvent.sort((a, b) => a - b);
    log(`${label}: best ${perEvent[0]!.toFixed(1)} µs/event, median ${perEvent[2]!.toFixed(1)}`);
  };
  timeBatches("warm-up", withAudit, true);
  timeBatches("applyEvent with audit, batches of 50 (COMMIT included)", withAudit, true);
  timeBatches("applyEvent without audit", withoutAudit, false);
  timeBatches("applyEvent with audit, written cases kept (the writer thread)", keeping, true);

  const reads = prepareCaseReads(writer);
  const time = (label: string, n: number, fn: (i: number) => void) => {
    const started = performance.now();
    for (let i = 0; i < n; i++) fn(i);
    log(`  ${label}: ${(((performance.now() - started) * 1000) / n).toFixed(1)} µs`);
  };
  log("parts:");
  time("readAggregate", EVENTS, (i) => readAggregate(reads, codec, cases[i % CASES]!.id));
  const current = readAggregate(reads, codec, cases[0]!.id)!;
  time("decide (role check, engine step, write rows)", EVENTS, () =>
    decider.decide(current, { ...command(false), expectedRevision: current.case.revision }),
  );
  const log2 = new AuditLog(writer);
  time("audit append (in a transaction of 50)", EVENTS, (i) => {
    if (i % BATCH === 0) writer.prepare("BEGIN").run();
    log2.appendInTransaction({ ...draft, targetId: cases[i % CASES]!.id });
    if (i % BATCH === BATCH - 1) writer.prepare("COMMIT").run();
  });
  writer.close();
} finally {
  if (!process.env.KEEP) rmSync(dir, { recursive: true, force: true });
  else log(dir);
}
