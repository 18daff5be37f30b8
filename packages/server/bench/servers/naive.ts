/**
 * Baseline (b): the naive design. Per request: read the snapshot, XState transition (the engine's
 * `step`), autocommit better-sqlite3 writes (one fsync each, `synchronous=FULL`), and an inline
 * BullMQ `queue.add` before answering. Same durability promise, no batching, side effect inline.
 */
import { join } from "node:path";
import { getShippedPathway } from "@passerelle/definitions";
import { type CaseSnapshot, startCase, step } from "@passerelle/engine";
import Database from "better-sqlite3";
import { Queue } from "bullmq";
import Fastify from "fastify";
import { Redis } from "ioredis";
import { newCaseId } from "../../src/ids.ts";
import { TEST_PATHWAYS_DIR } from "../../src/testing/build.ts";

const pathway = getShippedPathway("ZZ", 1, TEST_PATHWAYS_DIR)!;
const db = new Database(join(process.env.NAIVE_DIR!, "naive.db"));
db.pragma("journal_mode = WAL");
db.pragma("synchronous = FULL");
db.exec(`CREATE TABLE IF NOT EXISTS cases (id TEXT PRIMARY KEY, snapshot TEXT NOT NULL, revision INTEGER NOT NULL);
         CREATE TABLE IF NOT EXISTS history (case_id TEXT, seq INTEGER, event TEXT, data TEXT, at TEXT, PRIMARY KEY (case_id, seq));`);
const connection = new Redis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379", {
  maxRetriesPerRequest: null,
});
const queue = new Queue(`bench-naive-${process.pid}`, { connection });
const ctx = { person: { ageUncertain: true }, consents: [] };

const getCase = db.prepare("SELECT snapshot, revision FROM cases WHERE id = ?");
const insertHistory = db.prepare(
  "INSERT INTO history (case_id, seq, event, data, at) VALUES (?, ?, ?, ?, ?)",
);
const updateCase = db.prepare("UPDATE cases SET snapshot = ?, revision = ? WHERE id = ? AND revision = ?");
const insertCase = db.prepare("INSERT INTO cases (id, snapshot, revision) VALUES (?, ?, ?)");

const app = Fastify({ logger: false });
app.post<{ Body: { count: number } }>("/naive/setup", async (request) => {
  const cases: { id: string; revision: number }[] = [];
  for (let i = 0; i < request.body.count; i++) {
    const started = startCase(pathway, ctx, new Date());
    const screened = step(
      pathway,
      started.snapshot,
      { type: "SCREENING_COMPLETED", data: { outcome: "trafficking" } },
      ctx,
      new Date(),
    );
    if (!screened.ok) throw new Error("setup step refused");
    const id = newCaseId();
    insertCase.run(id, JSON.stringify(screened.snapshot), 2);
    cases.push({ id, revision: 2 });
  }
  return { cases };
});
app.post<{
  Params: { id: string };
  Body: { type: string; data?: Record<string, never>; expectedRevision: number };
}>("/naive/:id/events", async (request, reply) => {
  const row = getCase.get(request.params.id) as { snapshot: string; revision: number } | undefined;
  if (!row) return reply.code(404).send({});
  if (row.revision !== request.body.expectedRevision) return reply.code(409).send({});
  const snapshot = JSON.parse(row.snapshot) as CaseSnapshot;
  const result = step(
    pathway,
    snapshot,
    { type: request.body.type, data: request.body.data ?? {} },
    ctx,
    new Date(),
  );
  if (!result.ok) return reply.code(422).send(result.refusal);
  const revision = row.revision + 1;
  insertHistory.run(
    request.params.id,
    revision,
    request.body.type,
    JSON.stringify(request.body.data ?? {}),
    new Date().toISOString(),
  );
  updateCase.run(JSON.stringify(result.snapshot), revision, request.params.id, row.revision);
  await queue.add("transition", { caseId: request.params.id, revision });
  return { id: request.params.id, revision, state: result.to, facts: result.snapshot.facts };
});
app.addHook("onClose", async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  connection.disconnect();
  db.close();
});
const address = await app.listen({ port: 0, host: "127.0.0.1" });
process.stdout.write(`listening on ${address}\n`);
for (const signal of ["SIGTERM", "SIGINT"] as const)
  process.once(signal, () => void app.close().then(() => process.exit(0)));
