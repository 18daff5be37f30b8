/**
 * In-process cost of the event write path, without HTTP (a profiling aid, not the benchmark):
 * `pnpm --filter @passerelle/server exec tsx bench/event-writes.ts [events]`.
 *
 * Opens 800 cases of the made-up ZZ pathway on a fresh file (protections on: sealed person, chained
 * audit entry per event), then applies RISK_ASSESSED events in batches of 50, as the group commit
 * does under the event benchmark, on a connection set up as the writer thread's (`synchronous =
 * NORMAL`: the fsync is the WAL sync thread's, not this CPU's). It prints µs per event for four
 * variants, each on its own 200 cases, their rounds interleaved so that a busy moment of the machine
 * hits them alike: reading each case back or keeping written cases (as the writer thread does),
 * each with and without the audit entry. The difference of the last two is what the audit costs
 * the writer thread. Then the parts measured apart (read of the case, the engine's step, the answer
 * the writer thread builds for the request thread — the case view and its JSON —, the audit append,
 * BEGIN and COMMIT included).
 * Add `--cpu-prof` to node's arguments to see where the time goes.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PATHWAYS_DIR } from "@passerelle/definitions";
import { type AuditDraft, AuditLog } from "../src/audit/audit-log.ts";
import { CaseService, caseView } from "../src/cases/case-service.ts";
import { type EventCommand, PathwayDecider } from "../src/cases/decide-event.ts";
import { loadKeyring } from "../src/crypto/keyring.ts";
import { SealingCodec } from "../src/crypto/personal-data-codec.ts";
import { PathwayRegistry } from "../src/pathways/pathway-registry.ts";
import { serializeCaseView } from "../src/response-serializer.ts";
import { BatchTransaction } from "../src/storage/sqlite/batch-transaction.ts";
import { CaseWrites } from "../src/storage/sqlite/case-writes.ts";
import { openDatabase } from "../src/storage/sqlite/open.ts";
import { SqliteCaseStore } from "../src/storage/sqlite/sqlite-case-store.ts";
import { prepareCaseReads, readAggregate } from "../src/storage/sqlite/statements.ts";
import { TEST_PATHWAYS_DIR } from "../src/testing/build.ts";

const EVENTS = Number(process.argv[2] ?? 20_000);
const CASES = 800;
/** Cases per variant: each variant writes its own, so kept cases never go stale. */
const POOL = CASES / 4;
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
  // As the writer thread's connection: COMMIT without fsync (the WAL sync thread's, off this CPU).
  writer.pragma("synchronous = NORMAL");
  const transaction = new BatchTransaction(writer);
  const withAudit = new CaseWrites(writer, { codec, audit: new AuditLog(writer), pathways: () => pathways });
  const withoutAudit = new CaseWrites(writer, { codec, pathways: () => pathways });
  const keeping = new CaseWrites(writer, {
    codec,
    audit: new AuditLog(writer),
    pathways: () => pathways,
    keepWritten: true,
  });
  const keepingWithoutAudit = new CaseWrites(writer, { codec, pathways: () => pathways, keepWritten: true });
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
  const command = (auditIt: boolean, pool = 0): EventCommand => {
    const c = cases[pool * POOL + (next++ % POOL)]!;
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
  const variants = [
    { label: "read back, with audit", writes: withAudit, audit: true },
    { label: "read back, without audit", writes: withoutAudit, audit: false },
    { label: "kept (the writer thread), with audit", writes: keeping, audit: true },
    { label: "kept (the writer thread), without audit", writes: keepingWithoutAudit, audit: false },
  ];
  /** One round of a variant on its own pool of cases: µs per event, COMMIT included. */
  const round = (pool: number, events: number): number => {
    const { writes, audit: auditIt } = variants[pool]!;
    const started = performance.now();
    for (let done = 0; done < events; done += BATCH) {
      const commands = Array.from({ length: BATCH }, () => command(auditIt, pool));
      const outcomes = transaction.run(
        commands.map((c) => () => writes.applyEvent(c)),
        () => writes.batchBegan(),
      );
      writes.batchEnded(true);
      if (!outcomes.every((o) => o.ok)) throw new Error(`a write failed: ${JSON.stringify(outcomes[0])}`);
    }
    return ((performance.now() - started) * 1000) / events;
  };
  const ROUNDS = 9;
  const events = Math.ceil(EVENTS / ROUNDS / BATCH) * BATCH;
  for (let pool = 0; pool < variants.length; pool++) round(pool, events); // warm-up
  const perEvent = variants.map(() => [] as number[]);
  for (let r = 0; r < ROUNDS; r++)
    for (let pool = 0; pool < variants.length; pool++) perEvent[pool]!.push(round(pool, events));
  log(
    `applyEvent in batches of ${BATCH} (COMMIT included), ${ROUNDS} interleaved rounds of ${events} events:`,
  );
  const medians = perEvent.map((rounds) => rounds.sort((a, b) => a - b)[Math.floor(ROUNDS / 2)]!);
  for (const [i, { label }] of variants.entries())
    log(`  ${label}: best ${perEvent[i]![0]!.toFixed(1)} µs/event, median ${medians[i]!.toFixed(1)}`);
  log(
    `  the audit entry in the writer thread: ${(medians[2]! - medians[3]!).toFixed(1)} µs/event (difference of the medians)`,
  );

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
  // The answer the writer thread sends back for each event: the case view, serialised.
  const now = new Date();
  const view = caseView(pathways, current, now);
  time("the answer: case view", EVENTS, () => caseView(pathways, current, now));
  time(`the answer: its JSON (${serializeCaseView(view).length} characters)`, EVENTS, () =>
    serializeCaseView(view),
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
