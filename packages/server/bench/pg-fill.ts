/**
 * Fills a PostgreSQL database with many cases for the read benchmark, in the shape `fill.ts` gives
 * a SQLite store: cases seeded through the store (`seed --demo`) are copied as templates with fresh
 * ids, times, assignees and due dates, every 25th case also referred to another country's agency.
 * Personal data is sealed as the store writes it: under each case's own key (a random salt in
 * `case_keys`), bound to the case id.
 *
 * Setup speed matters, so each batch is one `INSERT … SELECT FROM unnest(…)` per table — the batch's
 * ids, times and sealed values travel as arrays, the rest of a row is joined server-side from a
 * temporary table of templates — with the secondary indexes dropped during the load and built again
 * from their own definitions afterwards, then `VACUUM (ANALYZE)` and a checkpoint, so that the
 * measured reads find statistics, a visibility map and no pending writes (as a long-running database
 * would have).
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { seedDemo } from "../src/cli/seed.ts";
import { loadKeyring } from "../src/crypto/keyring.ts";
import { aad, SealingCodec } from "../src/crypto/personal-data-codec.ts";
import { ulid } from "../src/ids.ts";
import { TEST_PATHWAYS_DIR } from "../src/testing/build.ts";
import { withEnv } from "./with-env.ts";

const DAY = 86_400_000;
const BATCH = 25_000;
/** Tables the fill writes; their secondary indexes are rebuilt after the load. */
const FILLED = ["cases", "case_personal", "case_keys", "case_grants", "case_history", "tasks"];

export interface PgStoreKeys {
  PASSERELLE_KEY: string;
  PASSERELLE_AUDIT_KEY: string;
}

export const newStoreKeys = (): PgStoreKeys => ({
  PASSERELLE_KEY: randomBytes(32).toString("base64"),
  PASSERELLE_AUDIT_KEY: randomBytes(32).toString("base64"),
});

/** The environment of a benchmarked API process on the PostgreSQL database `url`, sealing under `keys`. */
export const pgServerEnv = (url: string, keys: PgStoreKeys) => ({
  PORT: "0",
  HOST: "127.0.0.1",
  DATABASE_URL: url,
  LOG_LEVEL: process.env.BENCH_LOG_LEVEL ?? "info",
  PASSERELLE_EXTRA_PATHWAYS: TEST_PATHWAYS_DIR,
  ...keys,
});

type Row = Record<string, unknown>;

/** How many notices are still open in the database at `url` (`noticesDelivered` waits for none). */
export async function openNotices(url: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: string }>(
      "SELECT count(*) AS n FROM notices WHERE status = 'open'",
    );
    return Number(rows[0]!.n);
  } finally {
    await client.end();
  }
}

export async function fillPgStore(
  url: string,
  count: number,
  keys: PgStoreKeys,
  log: (line: string) => void = () => {},
): Promise<void> {
  await withEnv({ ...keys }, () => seedDemo({ databaseUrl: url, cases: 240 }));
  log("  seeded 240 template cases");
  const { keyring } = loadKeyring({
    envKey: keys.PASSERELLE_KEY,
    envAuditKey: keys.PASSERELLE_AUDIT_KEY,
    keyFile: "",
    generateIfMissing: false,
  });
  const client = new pg.Client({ connectionString: url, application_name: "passerelle-bench-fill" });
  await client.connect();
  try {
    // Setup only: the fill does not need each commit on disk before the next.
    await client.query("SET synchronous_commit = off");
    await client.query("SET maintenance_work_mem = '256MB'");
    await client.query(
      "CREATE TEMP TABLE tpl_cases AS SELECT (row_number() OVER (ORDER BY id) - 1)::int AS n, * FROM cases",
    );
    await client.query(
      `CREATE TEMP TABLE tpl_tasks AS
         SELECT c.n AS tpl, (row_number() OVER (PARTITION BY t.case_id ORDER BY t.id) - 1)::int AS k, t.*
         FROM tasks t JOIN tpl_cases c ON c.id = t.case_id WHERE t.status = 'open'`,
    );
    const templates = (
      await client.query<Row>(
        `SELECT c.n, c.id, c.country, c.agency, c.state, c.pathway_version, p.person, p.identification, k.salt,
                (SELECT count(*)::int FROM tpl_tasks t WHERE t.tpl = c.n) AS tasks
         FROM tpl_cases c JOIN case_personal p ON p.case_id = c.id LEFT JOIN case_keys k ON k.case_id = c.id
         ORDER BY c.n`,
      )
    ).rows.map((t) => {
      const id = t.id as string;
      const codec = new SealingCodec(keyring, { of: (c) => (c === id ? (t.salt as Buffer) : undefined) });
      return {
        country: t.country as string,
        agency: t.agency as string,
        tasks: t.tasks as number,
        person: codec.decode(aad.person(id), t.person as string),
        identification: codec.decode(aad.identification(id), t.identification as string),
      };
    });
    await client.query(
      "DELETE FROM case_personal; DELETE FROM case_keys; DELETE FROM case_grants; DELETE FROM tasks; DELETE FROM case_history; DELETE FROM consents; DELETE FROM cases",
    );
    const indexes = (
      await client.query<{ name: string; definition: string }>(
        `SELECT indexname AS name, indexdef AS definition FROM pg_indexes
         WHERE schemaname = 'public' AND tablename = ANY($1)
           AND indexname NOT IN (SELECT conname FROM pg_constraint)`,
        [FILLED],
      )
    ).rows;
    for (const { name } of indexes) await client.query(`DROP INDEX "${name}"`);

    const caseColumns = await columnsOf(client, "cases");
    const taskColumns = await columnsOf(client, "tasks");
    // Each column from the template row `t`, but those the batch gives its own value.
    const select = (columns: string[], own: Record<string, string>) =>
      columns.map((c) => own[c] ?? `t.${c}`).join(", ");
    const ownCase = ["id", "assignee", "created_at", "updated_at", "next_due_at"];
    const insertCases = `INSERT INTO cases (${caseColumns.join(", ")})
      SELECT ${select(caseColumns, Object.fromEntries(ownCase.map((c) => [c, `u.${c}`])))}
      FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
        AS u(id, tpl, assignee, created_at, updated_at, next_due_at)
      JOIN tpl_cases t ON t.n = u.tpl`;
    const insertTasks = `INSERT INTO tasks (${taskColumns.join(", ")})
      SELECT ${select(taskColumns, {
        id: "u.id",
        case_id: "u.case_id",
        due_at: "u.due_at",
        created_at: "u.created_at",
        next_at: "CASE WHEN u.overdue THEN NULL ELSE u.due_at END",
        next_step: "CASE WHEN u.overdue THEN NULL ELSE t.next_step END",
        next_queued_at: "NULL",
      })}
      FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::text[], $7::bool[])
        AS u(id, case_id, tpl, k, due_at, created_at, overdue)
      JOIN tpl_tasks t ON t.tpl = u.tpl AND t.k = u.k`;

    // Referrals go to another country's agency (a transnational referral, e.g. for return).
    const owners = [...new Set(templates.filter((t) => t.agency).map((t) => `${t.country}:${t.agency}`))];
    const now = Date.now();
    const nowIso = new Date(now).toISOString();
    for (let start = 0; start < count; start += BATCH) {
      const c = { id: [] as string[], tpl: [] as number[], assignee: [] as string[] };
      const at = { created: [] as string[], updated: [] as string[], due: [] as (string | null)[] };
      const sealed = { person: [] as string[], identification: [] as string[], salt: [] as string[] };
      const grant = { caseId: [] as string[], agency: [] as string[], at: [] as string[] };
      const task = {
        id: [] as string[],
        caseId: [] as string[],
        tpl: [] as number[],
        k: [] as number[],
        due: [] as string[],
        created: [] as string[],
        overdue: [] as boolean[],
      };
      for (let i = start; i < Math.min(count, start + BATCH); i++) {
        const n = i % templates.length;
        const template = templates[n]!;
        // Opened over the last three years, in id order; updated up to 60 days later.
        const created = now - 3 * 365 * DAY + Math.floor((i / count) * 3 * 365 * DAY);
        const updated = Math.min(now, created + Math.floor(Math.random() * 60 * DAY));
        const id = `case_${ulid(created)}`;
        const createdIso = new Date(created).toISOString();
        const updatedIso = new Date(updated).toISOString();
        // Due dates around now: roughly a third of the open work is overdue.
        const dues = Array.from({ length: template.tasks }, () =>
          new Date(now + Math.floor((Math.random() - 0.35) * 30 * DAY)).toISOString(),
        );
        c.id.push(id);
        c.tpl.push(n);
        // A case is assigned to a user of its own agency (the API reassigns only within it).
        c.assignee.push(`${template.agency}-caseworker-${i % 40}`);
        at.created.push(createdIso);
        at.updated.push(updatedIso);
        at.due.push([...dues].sort()[0] ?? null);
        const salt = randomBytes(32);
        const codec = new SealingCodec(keyring, { of: (caseId) => (caseId === id ? salt : undefined) });
        sealed.salt.push(salt.toString("hex"));
        sealed.person.push(codec.encode(aad.person(id), template.person));
        sealed.identification.push(codec.encode(aad.identification(id), template.identification));
        if (i % 25 === 0) {
          const own = `${template.country}:${template.agency}`;
          const others = owners.filter((key) => key !== own);
          const to = others[(i / 25) % others.length];
          if (to) {
            grant.caseId.push(id);
            grant.agency.push(to);
            grant.at.push(updatedIso);
          }
        }
        dues.forEach((due, k) => {
          task.id.push(`task_${ulid(created)}`);
          task.caseId.push(id);
          task.tpl.push(n);
          task.k.push(k);
          task.due.push(due);
          task.created.push(createdIso);
          // A running system has already sent the reminders of past-due work (the escalation
          // ladder): overdue tasks have no pending rung; future ones have their next at the due time.
          task.overdue.push(due < nowIso);
        });
      }
      await client.query("BEGIN");
      await client.query(insertCases, [c.id, c.tpl, c.assignee, at.created, at.updated, at.due]);
      await client.query(
        "INSERT INTO case_keys (case_id, salt) SELECT id, decode(salt, 'hex') FROM unnest($1::text[], $2::text[]) AS u(id, salt)",
        [c.id, sealed.salt],
      );
      await client.query(
        "INSERT INTO case_personal (case_id, person, identification) SELECT * FROM unnest($1::text[], $2::text[], $3::text[])",
        [c.id, sealed.person, sealed.identification],
      );
      await client.query(
        `INSERT INTO case_grants (case_id, agency_id, granted_at, granted_by, basis, purpose)
         SELECT u.case_id, u.agency_id, u.granted_at, 'seed', 'consent', 'protection'
         FROM unnest($1::text[], $2::text[], $3::text[]) AS u(case_id, agency_id, granted_at)`,
        [grant.caseId, grant.agency, grant.at],
      );
      await client.query(
        `INSERT INTO case_history (case_id, seq, event_type, data, personal_fields, from_state, to_state, actor, at, pathway_version)
         SELECT u.id, 1, 'CASE_OPENED', '{}', '[]', NULL, t.state, 'seed', u.at, t.pathway_version
         FROM unnest($1::text[], $2::int[], $3::text[]) AS u(id, tpl, at) JOIN tpl_cases t ON t.n = u.tpl`,
        [c.id, c.tpl, at.created],
      );
      await client.query(insertTasks, [
        task.id,
        task.caseId,
        task.tpl,
        task.k,
        task.due,
        task.created,
        task.overdue,
      ]);
      await client.query("COMMIT");
      log(`  filled ${Math.min(count, start + BATCH)} / ${count}`);
    }
    const indexed = Date.now();
    for (const { definition } of indexes) await client.query(definition);
    log(`  rebuilt ${indexes.length} indexes in ${Math.round((Date.now() - indexed) / 1000)} s`);
    await client.query(`VACUUM (ANALYZE) ${FILLED.join(", ")}`);
    await client.query("CHECKPOINT");
  } finally {
    await client.end();
  }
}

async function columnsOf(client: pg.Client, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT column_name AS name FROM information_schema.columns
     WHERE table_schema = 'public' AND table_name = $1 AND is_generated = 'NEVER' AND identity_generation IS NULL
     ORDER BY ordinal_position`,
    [table],
  );
  return rows.map((r) => r.name);
}
