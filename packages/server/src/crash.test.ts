/**
 * Crash test: the real server as a child process, a burst of events over HTTP, SIGKILL in the
 * middle, then a restart on the same file. Every acknowledged event must be there, and no case may
 * be half-written.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";
import { buildApp } from "./app.ts";
import { provisionUser } from "./auth/provision.ts";
import { provisionToken } from "./testing/auth.ts";
import { TEST_PATHWAYS_DIR, tempDir } from "./testing/build.ts";
import { CHILD, IDENTIFICATION } from "./testing/fixtures.ts";

/** Bearer token of the caseworker the test provisions before starting the server (every route needs one). */
let token = "";

const PACKAGE_DIR = fileURLToPath(new URL("..", import.meta.url));
const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

/** Starts `tsx src/server.ts` on a random port; resolves with its base URL. */
function startServer(file: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", "src/server.ts"], {
    cwd: PACKAGE_DIR,
    env: {
      ...process.env,
      PORT: "0",
      HOST: "127.0.0.1",
      DATABASE_URL: `file:${file}`,
      PASSERELLE_KEY_FILE: join(dirname(file), "keys", "keys.json"),
      LOG_LEVEL: "warn",
      PASSERELLE_EXTRA_PATHWAYS: TEST_PATHWAYS_DIR,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    let out = "";
    let err = "";
    child.stdout!.on("data", (chunk) => {
      out += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.stderr!.on("data", (chunk) => {
      err += chunk;
    });
    child.on("error", reject);
    child.on("exit", (code) => reject(new Error(`server exited (${code}): ${err}`)));
  });
}

async function post(url: string, body: unknown): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("crash", () => {
  it("keeps every acknowledged event and no half-written case after SIGKILL mid-burst", async () => {
    const file = join(tempDir(), "crash.db");
    token = await provisionToken(file, { country: "ZZ", agency: "police" });
    // The server needs a token: a caseworker of the test pathway's `police` agency.
    token = (
      await provisionUser(file, {
        country: "ZZ",
        agency: "police",
        login: "crash-test",
        role: "caseworker",
      })
    ).token;
    const { child, url } = await startServer(file);
    const caseIds: string[] = [];
    for (let i = 0; i < 12; i++) {
      const opened = await post(`${url}/v1/cases`, {
        country: "ZZ",
        person: CHILD,
        identification: IDENTIFICATION,
      });
      const id = opened.json.id as string;
      await post(`${url}/v1/cases/${id}/events`, {
        type: "SCREENING_COMPLETED",
        data: { outcome: "trafficking" },
        expectedRevision: 1,
      });
      caseIds.push(id);
    }
    // Each worker drives one case in a loop; acknowledged (case, revision) pairs are recorded.
    const acknowledged: { id: string; revision: number }[] = [];
    let killed = false;
    // Resolved by the workers themselves: once enough events are acknowledged, or all have stopped.
    let enough!: () => void;
    const enoughAcknowledged = new Promise<void>((resolve) => {
      enough = resolve;
    });
    const worker = async (id: string) => {
      let revision = 2;
      while (!killed) {
        try {
          const res = await post(`${url}/v1/cases/${id}/events`, {
            type: "RISK_ASSESSED",
            data: { riskLevel: 3 },
            expectedRevision: revision,
          });
          if (res.status !== 200) throw new Error(`unexpected ${res.status}`);
          revision = res.json.revision as number;
          acknowledged.push({ id, revision });
          if (acknowledged.length >= 300) enough();
        } catch {
          return;
        }
      }
    };
    const workers = caseIds.map((id) => worker(id));
    // Kill once enough events are acknowledged (or if every worker stopped on an error).
    await Promise.race([enoughAcknowledged, Promise.all(workers)]);
    child.kill("SIGKILL");
    killed = true;
    await Promise.all(workers);

    // Restart on the same file (migrations, pathway check, WAL recovery), then inspect the rows.
    const app = await buildApp({
      databaseUrl: file,
      pathwayDirs: [TEST_PATHWAYS_DIR],
      logger: { level: "silent" },
      keys: { keyFile: join(dirname(file), "keys", "keys.json"), generateIfMissing: false },
    });
    await app.close();
    const db = new Database(file, { readonly: true });
    const seqs = db.prepare("SELECT seq FROM case_history WHERE case_id = ? ORDER BY seq").pluck();
    for (const ack of acknowledged) expect((seqs.all(ack.id) as number[]).includes(ack.revision)).toBe(true);
    for (const id of caseIds) {
      const row = db.prepare("SELECT * FROM cases WHERE id = ?").get(id) as {
        revision: number;
        state: string;
        snapshot: string;
      };
      const history = db
        .prepare("SELECT seq, to_state FROM case_history WHERE case_id = ? ORDER BY seq")
        .all(id) as { seq: number; to_state: string }[];
      expect(history.map((h) => h.seq)).toEqual(Array.from({ length: row.revision }, (_, i) => i + 1));
      expect(history.at(-1)!.to_state).toBe(row.state);
      expect(JSON.parse(row.snapshot).state).toBe(row.state);
      const open = db
        .prepare("SELECT state FROM tasks WHERE case_id = ? AND status = 'open'")
        .pluck()
        .all(id) as string[];
      for (const state of open) expect(row.state === state || row.state.startsWith(`${state}.`)).toBe(true);
    }
    db.close();
    expect(acknowledged.length).toBeGreaterThanOrEqual(300);
  }, 60_000);
});
