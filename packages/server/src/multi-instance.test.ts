/**
 * Several instances at once on one PostgreSQL and one Redis: three API processes and two reminder
 * workers, real processes over real HTTP. Events go to every instance, some pairs race on one case
 * from two instances, and one API instance and one worker are killed (SIGKILL) mid-burst. Then:
 * - every acknowledged event is stored, and each case's history runs 1..revision with no gap;
 * - of two instances racing with the same revision, exactly one wins and the other answers 409;
 * - the audit log is one valid hash chain;
 * - every reminder that fell due is delivered, each logical id to the receiver, none missing.
 *
 * Deadlines: the test pathway's screening deadline is shortened to seconds in a copy of it, so that
 * reminders fall due during the test with the real clock every process runs on.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DELIVERY_HEADER } from "./delivery/channels/webhook.ts";
import { createTestDatabase, type TestDatabase } from "./storage/postgres/testing.ts";
import { provisionToken } from "./testing/auth.ts";
import { TEST_PATHWAYS_DIR, tempDir } from "./testing/build.ts";
import { ADULT, IDENTIFICATION } from "./testing/fixtures.ts";
import { killHard, type Started, startServer, startWorker } from "./testing/processes.ts";

const REDIS_URL = "redis://127.0.0.1:6379";
const REMINDER_CASES = 12;
const BURST_CASES = 12;
const RACE_CASES = 4;
const BURST_MS = 8_000;
const SCREENING_DEADLINE = "PT4S";

let database: TestDatabase;
let dir: string;
let receiver: Server;
const received: { id: string; type: string; taskId: string | undefined }[] = [];
const apis: (Started & { url: string; alive: boolean })[] = [];
const workers: Started[] = [];
let caseworker = "";
let auditor = "";

/** The test pathway (ZZ) with its screening deadline in seconds. */
function fastPathwayDir(): string {
  const pathways = join(dir, "pathways");
  mkdirSync(join(pathways, "ZZ"), { recursive: true });
  const source = readFileSync(join(TEST_PATHWAYS_DIR, "ZZ", "1.yaml"), "utf8");
  const fast = source.replace(
    /(screeningDeadline:\n\s+value: )\{ workingDays: 2 \}/,
    `$1${SCREENING_DEADLINE}`,
  );
  if (fast === source) throw new Error("the test pathway's screening deadline was not found");
  writeFileSync(join(pathways, "ZZ", "1.yaml"), fast);
  return pathways;
}

beforeAll(async () => {
  dir = tempDir();
  database = await createTestDatabase();
  caseworker = await provisionToken(database.url, { country: "ZZ", agency: "police" });
  auditor = await provisionToken(database.url, { country: "ZZ", agency: "police", role: "auditor" });
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (chunk) => (body += chunk));
    req.on("end", () => {
      const message = JSON.parse(body) as { type: string; task?: { id: string } };
      received.push({
        id: req.headers[DELIVERY_HEADER] as string,
        type: message.type,
        taskId: message.task?.id,
      });
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", () => resolve()));
  const env = {
    DATABASE_URL: database.url,
    PASSERELLE_KEY: randomBytes(32).toString("base64"),
    PASSERELLE_AUDIT_KEY: randomBytes(32).toString("base64"),
    PASSERELLE_EXTRA_PATHWAYS: fastPathwayDir(),
    REDIS_URL,
    DELIVERY_QUEUE_PREFIX: `multi-${randomUUID()}`,
    DELIVERY_SWEEP_INTERVAL_MS: "1000",
    WEBHOOK_URL: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    WEBHOOK_SECRET: "multi-instance-test-secret-of-32-chars-at-least",
    LOG_LEVEL: "info",
  };
  // Started together: the migrations run once, under their lock, whoever comes first.
  const started = await Promise.all([startServer(env), startServer(env), startServer(env)]);
  apis.push(...started.map((s) => ({ ...s, alive: true })));
  workers.push(...(await Promise.all([startWorker(env), startWorker(env)])));
}, 180_000);

afterAll(async () => {
  for (const p of [...apis, ...workers]) await killHard(p.child);
  await new Promise<void>((resolve) => (receiver ? receiver.close(() => resolve()) : resolve()));
  await database?.drop();
  rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  status: number;
  json: Record<string, unknown>;
}

/** A request to one instance; `null` when the instance did not answer (it was killed). */
async function call(
  api: { url: string },
  method: string,
  path: string,
  body?: unknown,
  token = caseworker,
): Promise<Answer | null> {
  try {
    const res = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body !== undefined && { "content-type": "application/json" }),
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, json: text ? JSON.parse(text) : {} };
  } catch {
    return null;
  }
}

const alive = () => apis.filter((a) => a.alive);
const anyAlive = (i: number) => alive()[i % alive().length]!;

async function openCase(i: number): Promise<{ id: string; revision: number; taskIds: string[] }> {
  for (;;) {
    const answer = await call(anyAlive(i), "POST", "/v1/cases", {
      country: "ZZ",
      person: ADULT,
      identification: IDENTIFICATION,
    });
    if (answer?.status === 201)
      return {
        id: answer.json.id as string,
        revision: answer.json.revision as number,
        taskIds: (answer.json.tasks as { id: string }[]).map((t) => t.id),
      };
    if (answer) throw new Error(`open case: ${answer.status} ${JSON.stringify(answer.json)}`);
  }
}

/** The case's revision as any live instance reads it. */
async function revisionOf(id: string, i: number): Promise<number> {
  for (;;) {
    const answer = await call(anyAlive(i), "GET", `/v1/cases/${id}`);
    if (answer?.status === 200) return answer.json.revision as number;
    if (answer) throw new Error(`read case: ${answer.status}`);
  }
}

const riskEvent = (revision: number, level: number) => ({
  type: "RISK_ASSESSED",
  data: { riskLevel: (level % 5) + 1 },
  expectedRevision: revision,
});

describe("three API instances and two workers on one PostgreSQL and one Redis", () => {
  it("keeps every acknowledged event, one winner per race, one audit chain and every due reminder, through two kills", async () => {
    const reminderCases = await Promise.all(Array.from({ length: REMINDER_CASES }, (_, i) => openCase(i)));
    const burstCases = await Promise.all(
      Array.from({ length: BURST_CASES + RACE_CASES }, (_, i) => openCase(i)),
    );
    // Screened at once: their screening task is done before it falls due; only the reminder cases remind.
    for (const [i, c] of burstCases.entries()) {
      // An adult goes on to reasonable grounds only with their consent to referral recorded.
      const consent = await call(anyAlive(i), "POST", `/v1/cases/${c.id}/events`, {
        type: "RECORD_CONSENT",
        data: { scope: "referral", given: true, method: "written" },
        expectedRevision: c.revision,
      });
      expect(consent?.status).toBe(200);
      c.revision = consent!.json.revision as number;
      const answer = await call(anyAlive(i), "POST", `/v1/cases/${c.id}/events`, {
        type: "SCREENING_COMPLETED",
        data: { outcome: "trafficking" },
        expectedRevision: c.revision,
      });
      expect(answer?.status).toBe(200);
      c.revision = answer!.json.revision as number;
    }

    const acked = new Map<string, Set<number>>();
    const ack = (id: string, revision: number) => {
      if (!acked.has(id)) acked.set(id, new Set());
      acked.get(id)!.add(revision);
    };
    const races: number[][] = [];
    const until = Date.now() + BURST_MS;

    // One chain of events per case, each to the next instance in turn.
    const sequential = burstCases.slice(0, BURST_CASES).map(async (c, n) => {
      for (let i = n; Date.now() < until; i++) {
        const answer = await call(anyAlive(i), "POST", `/v1/cases/${c.id}/events`, riskEvent(c.revision, i));
        if (answer?.status === 200) {
          c.revision = answer.json.revision as number;
          ack(c.id, c.revision);
        } else if (answer && answer.status !== 409 && answer.status !== 503) {
          throw new Error(`event: ${answer.status} ${JSON.stringify(answer.json)}`);
        } else c.revision = await revisionOf(c.id, i);
      }
    });
    // The same revision sent to two instances at once.
    const racing = burstCases.slice(BURST_CASES).map(async (c, n) => {
      for (let i = n; Date.now() < until; i++) {
        const pair = [anyAlive(i), anyAlive(i + 1)];
        const answers = await Promise.all(
          pair.map((api) => call(api, "POST", `/v1/cases/${c.id}/events`, riskEvent(c.revision, i))),
        );
        for (const answer of answers) if (answer?.status === 200) ack(c.id, answer.json.revision as number);
        if (pair[0] !== pair[1] && answers.every((a) => a !== null && a.status !== 503))
          races.push(answers.map((a) => a!.status).sort());
        c.revision = await revisionOf(c.id, i);
      }
    });
    const kills = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      await killHard(workers[1]!.child);
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      apis[2]!.alive = false;
      await killHard(apis[2]!.child);
    })();
    await Promise.all([...sequential, ...racing, kills]);

    // Of each race between two instances, one won and the other was told the case moved on.
    expect(races.length).toBeGreaterThan(10);
    for (const statuses of races) expect(statuses).toEqual([200, 409]);

    // Every acknowledged event is stored; every history runs 1..revision without a gap.
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ case_id: string; seq: number }>(
        "SELECT case_id, seq FROM case_history ORDER BY case_id, seq",
      );
      const history = new Map<string, number[]>();
      for (const row of rows)
        history.set(row.case_id, [...(history.get(row.case_id) ?? []), Number(row.seq)]);
      let ackedEvents = 0;
      for (const [id, revisions] of acked) {
        const seqs = new Set(history.get(id));
        for (const revision of revisions) expect(seqs.has(revision), `${id} revision ${revision}`).toBe(true);
        ackedEvents += revisions.size;
      }
      expect(ackedEvents).toBeGreaterThan(50);
      const { rows: revisions } = await client.query<{ id: string; revision: number }>(
        "SELECT id, revision FROM cases",
      );
      for (const c of revisions) {
        const seqs = history.get(c.id) ?? [];
        expect(seqs, c.id).toEqual(Array.from({ length: Number(c.revision) }, (_, i) => i + 1));
      }
    } finally {
      await client.end();
    }

    // One audit chain, valid end to end.
    const verified = await call(alive()[0]!, "GET", "/v1/audit/verify", undefined, auditor);
    expect(verified?.status).toBe(200);
    expect(verified?.json).toMatchObject({ ok: true });

    // Every reminder that fell due reached the receiver (the surviving worker takes over).
    const expected = new Set(reminderCases.flatMap((c) => c.taskIds.map((taskId) => `${taskId}:0`)));
    const deadline = Date.now() + 90_000;
    const delivered = () =>
      new Set(received.filter((m) => m.type === "reminder" && expected.has(m.id)).map((m) => m.id));
    while (delivered().size < expected.size && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 500));
    expect([...delivered()].sort()).toEqual([...expected].sort());
    // No reminder for a task closed before it fell due (under load some screenings come after the
    // seconds-long deadline: those tasks were overdue, and their reminders are right).
    const check = new pg.Client({ connectionString: database.url });
    await check.connect();
    try {
      const { rows: closedInTime } = await check.query<{ id: string }>(
        "SELECT id FROM tasks WHERE id = ANY($1) AND status <> 'open' AND completed_at < due_at",
        [burstCases.flatMap((c) => c.taskIds)],
      );
      const inTime = new Set(closedInTime.map((t) => t.id));
      expect(received.filter((m) => m.type === "reminder" && inTime.has(m.taskId ?? ""))).toEqual([]);
    } finally {
      await check.end();
    }
  }, 240_000);
});
