/**
 * Delivery benchmark (not a test): `pnpm --filter @passerelle/server bench:delivery`, also run by
 * `pnpm --filter @passerelle/server bench` and the root `pnpm bench`.
 *
 * A store with 1,000,000 open tasks (BENCH_DELIVERY_TASKS), of which 100,000 (BENCH_DELIVERY_DUE)
 * fall due at the same instant; the others are due over the next year. Measured:
 * 1. the cost of one sweep / scheduler pass when nothing is due (it must walk the (status, next_at)
 *    index, never the table), with the query plans;
 * 2. in-process scheduler: time from the due instant to the last reminder handed to the channel;
 * 3. BullMQ (Redis at REDIS_URL, default redis://127.0.0.1:6379): the outbox relay queues the due
 *    rungs as delayed jobs ahead of time; time from the due instant to the last reminder handed to
 *    the channel by a worker (same process, concurrency BENCH_DELIVERY_CONCURRENCY).
 * Prints the figures and rewrites the delivery section of docs/performance.md.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { Queue } from "bullmq";
import { MemoryChannel } from "../src/delivery/channels/memory.ts";
import { type Clock, ManualClock } from "../src/delivery/clock.ts";
import { DeliveryHandler, type DueRung } from "../src/delivery/handler.ts";
import { OutboxRelay } from "../src/delivery/producer.ts";
import { connectRedis, DELIVERY_QUEUE, whenReady } from "../src/delivery/redis.ts";
import { InProcessScheduler } from "../src/delivery/scheduler.ts";
import { Sweep } from "../src/delivery/sweep.ts";
import { silentLogger } from "../src/delivery/testing.ts";
import { createDeliveryWorker } from "../src/delivery/worker.ts";
import { openDatabase } from "../src/storage/sqlite/open.ts";
import { SqliteCaseStore } from "../src/storage/sqlite/sqlite-case-store.ts";

const TOTAL = Number(process.env.BENCH_DELIVERY_TASKS ?? 1_000_000);
const DUE = Number(process.env.BENCH_DELIVERY_DUE ?? 100_000);
const CONCURRENCY = Number(process.env.BENCH_DELIVERY_CONCURRENCY ?? 200);
const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SWEEP_RUNS = 300;
const T = Date.parse("2026-06-01T09:00:00.000Z");
const DAY = 86_400_000;
const log = (line: string) => process.stdout.write(`${line}\n`);

const dir = mkdtempSync(join(tmpdir(), "passerelle-delivery-bench-"));
const { sqlite } = openDatabase(join(dir, "bench.db"));
const store = new SqliteCaseStore(sqlite);

function fill(): number {
  const started = performance.now();
  // Bulk load only: the measurements below run with the durable settings (the store's sync).
  sqlite.pragma("synchronous = OFF");
  const insert = sqlite.prepare(
    `insert into tasks (id, case_id, key, task_id, kind, state, status, due_at, assignee, assignee_role,
       assignee_agency, escalation, label, occurrence, created_at, next_step, next_at)
     values (?, ?, ?, 'screening', 'deadline', 'screening', 'open', ?, '{"role":"caseworker","agency":"police"}',
       'caseworker', 'police', ?, '{"en":"Complete screening"}', 1, '2026-01-01T00:00:00.000Z', 0, ?)`,
  );
  const chunk = sqlite.transaction((from: number, to: number) => {
    for (let i = from; i < to; i++) {
      // The due ones share one instant; the others spread over the following year.
      const due = i < DUE ? T : T + DAY * (1 + (i % 365)) + (i % 86_400) * 1000;
      const at = new Date(due).toISOString();
      const escalation = `[{"step":0,"at":"${at}","notify":{"role":"caseworker","agency":"police"}},{"step":1,"at":"${new Date(due + 2 * DAY).toISOString()}","notify":{"role":"supervisor","agency":"police"}}]`;
      const id = `task_${String(i).padStart(10, "0")}`;
      insert.run(id, `case_${String(i).padStart(10, "0")}`, "screening/screening#1", at, escalation, at);
    }
  });
  for (let from = 0; from < TOTAL; from += 50_000) chunk(from, Math.min(TOTAL, from + 50_000));
  sqlite.pragma("synchronous = NORMAL");
  sqlite.exec("analyze");
  return (performance.now() - started) / 1000;
}

function stats(samples: number[]) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { median: at(0.5), p99: at(0.99), max: sorted.at(-1)! };
}

async function timeRuns(run: () => Promise<unknown>): Promise<ReturnType<typeof stats>> {
  for (let i = 0; i < 20; i++) await run();
  const samples: number[] = [];
  for (let i = 0; i < SWEEP_RUNS; i++) {
    const started = performance.now();
    await run();
    samples.push(performance.now() - started);
  }
  return stats(samples);
}

function plan(sql: string): string {
  return (sqlite.prepare(`explain query plan ${sql}`).all() as { detail: string }[])
    .map((r) => r.detail)
    .join("; ");
}

function reset(): void {
  sqlite.exec("delete from notifications");
  sqlite
    .prepare("update tasks set next_step = 0, next_at = due_at, next_queued_at = null where due_at = ?")
    .run(new Date(T).toISOString());
}

function delivered(): number {
  return (
    sqlite.prepare("select count(*) as n from notifications where status = 'sent'").get() as { n: number }
  ).n;
}

async function schedulerRun() {
  const clock = new ManualClock(T - 3_600_000);
  const channel = new MemoryChannel("log");
  const handler = new DeliveryHandler(store, { channels: [channel], clock });
  const scheduler = new InProcessScheduler({ storage: store, handler, clock, logger: silentLogger });
  const emptyPass = await timeRuns(() => scheduler.runDue());
  clock.set(T);
  let last = 0;
  channel.onSend = () => {
    last = performance.now();
  };
  const started = performance.now();
  const report = await scheduler.runDue();
  return { emptyPass, seconds: (last - started) / 1000, report, count: channel.received.length };
}

async function bullmqRun() {
  const producer = connectRedis(REDIS_URL, "producer", silentLogger);
  if (!(await whenReady(producer))) throw new Error(`no Redis at ${REDIS_URL}`);
  const prefix = `bench-${randomUUID()}`;
  const queue = new Queue<DueRung>(DELIVERY_QUEUE, { connection: producer, prefix });
  // Delivery time maps onto real time: the due instant T is `lead` ms after the relay starts.
  const lead = Number(process.env.BENCH_DELIVERY_LEAD_MS ?? 45_000);
  const dueReal = Date.now() + lead;
  const clock: Clock = { now: () => new Date(Date.now() - dueReal + T) };
  const relay = new OutboxRelay({ storage: store, queue, clock, logger: silentLogger });
  const sweep = new Sweep({ storage: store, queue, clock, logger: silentLogger });
  await sweep.sweepOnce();
  const relayStarted = performance.now();
  const relayed = await relay.relayOnce();
  const relaySeconds = (performance.now() - relayStarted) / 1000;
  if (Date.now() > dueReal) log(`warning: the relay took longer than the lead (${lead} ms)`);
  const emptySweep = await timeRuns(() => sweep.sweepOnce());
  const emptyRelay = await timeRuns(() => relay.relayOnce());

  const channel = new MemoryChannel("log");
  let last = 0;
  channel.onSend = () => {
    last = Date.now();
  };
  const handler = new DeliveryHandler(store, { channels: [channel], clock });
  const workerRedis = connectRedis(REDIS_URL, "worker", silentLogger);
  const worker = createDeliveryWorker({
    connection: workerRedis,
    prefix,
    handler,
    logger: silentLogger,
    concurrency: CONCURRENCY,
  });
  while (channel.received.length < DUE) await new Promise((resolve) => setTimeout(resolve, 100));
  const seconds = (last - dueReal) / 1000;
  await worker.close();
  await queue.obliterate({ force: true });
  await queue.close();
  workerRedis.disconnect();
  producer.disconnect();
  return { relayed, relaySeconds, emptySweep, emptyRelay, seconds, count: channel.received.length };
}

const fmt = (ms: number) => `${ms.toFixed(2)} ms`;

async function main() {
  log(
    `delivery benchmark: ${TOTAL.toLocaleString("en")} open tasks, ${DUE.toLocaleString("en")} due at one instant; ${cpus().length} CPUs`,
  );
  log(`fill: ${fill().toFixed(1)} s`);
  const now = new Date(T - 3_600_000).toISOString();
  const plans = {
    scheduler: plan(
      `select id, next_step, next_at from tasks where status = 'open' and next_at <= '${now}' order by next_at limit 1000`,
    ),
    sweep: plan(
      `select id, next_step, next_at from tasks where status = 'open' and next_at <= '${now}' and next_queued_at is not null order by next_at limit 1000`,
    ),
    relay: plan(
      `select id, next_step, next_at from tasks indexed by tasks_outbox where next_queued_at is null and status = 'open' and next_at <= '${now}' order by next_at limit 1000`,
    ),
  };
  for (const [name, detail] of Object.entries(plans)) log(`plan ${name}: ${detail}`);

  const s = await schedulerRun();
  log(`in-process scheduler: empty pass median ${fmt(s.emptyPass.median)}, p99 ${fmt(s.emptyPass.p99)}`);
  log(
    `in-process scheduler: ${s.count.toLocaleString("en")} reminders, due → last handed to the channel: ${s.seconds.toFixed(1)} s (${Math.round(s.count / s.seconds).toLocaleString("en")}/s)`,
  );
  if (delivered() !== DUE)
    throw new Error(`scheduler recorded ${delivered()} sent notifications, expected ${DUE}`);

  reset();
  const b = await bullmqRun();
  log(
    `BullMQ: relay queued ${b.relayed.toLocaleString("en")} delayed jobs in ${b.relaySeconds.toFixed(1)} s`,
  );
  log(
    `BullMQ: empty sweep median ${fmt(b.emptySweep.median)}, p99 ${fmt(b.emptySweep.p99)}; empty relay pass median ${fmt(b.emptyRelay.median)}`,
  );
  log(
    `BullMQ: ${b.count.toLocaleString("en")} reminders, due → last handed to the channel: ${b.seconds.toFixed(1)} s (${Math.round(b.count / b.seconds).toLocaleString("en")}/s), worker concurrency ${CONCURRENCY}`,
  );
  if (delivered() !== DUE)
    throw new Error(`BullMQ recorded ${delivered()} sent notifications, expected ${DUE}`);

  const goals = [
    ["all due reminders within 60 s (scheduler)", s.seconds <= 60],
    ["all due reminders within 60 s (BullMQ)", b.seconds <= 60],
    ["empty sweep ≤ 10 ms (scheduler pass, p99)", s.emptyPass.p99 <= 10],
    ["empty sweep ≤ 10 ms (BullMQ sweep, p99)", b.emptySweep.p99 <= 10],
  ] as const;
  for (const [goal, met] of goals) log(`${met ? "met" : "MISSED"}: ${goal}`);

  if (TOTAL === 1_000_000 && DUE === 100_000) {
    const file = new URL("../../../docs/performance.md", import.meta.url);
    const doc = readFileSync(file, "utf8");
    const section = [
      `Measured ${new Date().toISOString().slice(0, 10)} on ${cpus().length} CPUs (${cpus()[0]?.model.trim()}), Node ${process.version}, Redis at ${REDIS_URL}; \`pnpm --filter @passerelle/server bench:delivery\`.`,
      "",
      "| figure | in-process scheduler | BullMQ |",
      "|---|---|---|",
      `| 100,000 reminders due at one instant (1,000,000 open tasks): due → last handed to the channel | ${s.seconds.toFixed(1)} s | ${b.seconds.toFixed(1)} s (worker concurrency ${CONCURRENCY}) |`,
      `| throughput | ${Math.round(s.count / s.seconds).toLocaleString("en")}/s | ${Math.round(b.count / b.seconds).toLocaleString("en")}/s |`,
      `| one sweep with nothing due, median / p99 | ${fmt(s.emptyPass.median)} / ${fmt(s.emptyPass.p99)} (scheduler pass) | ${fmt(b.emptySweep.median)} / ${fmt(b.emptySweep.p99)} (sentinel check + overdue query) |`,
      `| relay: queue 100,000 delayed jobs | — | ${b.relaySeconds.toFixed(1)} s |`,
      "",
      `Query plans: scheduler \`${plans.scheduler}\`; sweep \`${plans.sweep}\`; relay \`${plans.relay}\`.`,
      "",
      ...goals.map(([goal, met]) => `- ${met ? "Met" : "**Missed**"}: ${goal}.`),
    ].join("\n");
    const updated = doc.replace(
      /<!-- delivery:start -->[\s\S]*<!-- delivery:end -->/,
      `<!-- delivery:start -->\n${section}\n<!-- delivery:end -->`,
    );
    writeFileSync(file, updated);
    log("docs/performance.md updated");
  }
}

try {
  await main();
} finally {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
