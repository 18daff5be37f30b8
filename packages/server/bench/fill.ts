/**
 * Fills a store with many cases for the read benchmark. Setup speed matters here, so rows are
 * bulk-inserted with SQL (not through the API): real cases are first seeded through the store
 * (`seed --demo`), then copied as templates with fresh ids, times, assignees and due dates, giving
 * a realistic spread over countries, stages and states.
 */
import { copyFileSync } from "node:fs";
import Database from "better-sqlite3";
import { seedDemo } from "../src/cli/seed.ts";
import { aad } from "../src/crypto/personal-data-codec.ts";
import { ulid } from "../src/ids.ts";
import { keySettingsFromEnv, protectStore } from "../src/storage/sqlite/protect-store.ts";
import { withEnv } from "./with-env.ts";

const DAY = 86_400_000;

export async function fillStore(
  file: string,
  count: number,
  log: (line: string) => void = () => {},
): Promise<void> {
  const templateFile = `${file}.template`;
  // The template is sealed under the filled store's keys: the copy is what the server opens.
  const keys = keySettingsFromEnv(file);
  await withEnv({ PASSERELLE_KEY_FILE: keys.keyFile }, () =>
    seedDemo({ databaseUrl: templateFile, cases: 240 }),
  );
  copyFileSync(templateFile, file);
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  // Setup only: the fill does not need to survive a power cut.
  db.pragma("synchronous = OFF");
  const templates = db.prepare("SELECT * FROM cases").all() as Record<string, unknown>[];
  const sealed = new Map(
    (db.prepare("SELECT * FROM case_personal").all() as Record<string, string>[]).map((p) => [p.case_id!, p]),
  );
  // Personal data is sealed and bound to its case id: each copy is sealed again for its own id.
  const { codec } = protectStore(db, keys);
  const plain = new Map(
    templates.map((t) => [
      t.id as string,
      {
        person: codec.decode(aad.person(t.id as string), sealed.get(t.id as string)!.person!),
        identification: codec.decode(
          aad.identification(t.id as string),
          sealed.get(t.id as string)!.identification!,
        ),
      },
    ]),
  );
  const taskTemplates = new Map<string, Record<string, unknown>[]>();
  for (const t of db.prepare("SELECT * FROM tasks WHERE status = 'open'").all() as Record<
    string,
    unknown
  >[]) {
    const list = taskTemplates.get(t.case_id as string) ?? [];
    list.push(t);
    taskTemplates.set(t.case_id as string, list);
  }
  db.exec(
    "DELETE FROM case_personal; DELETE FROM case_grants; DELETE FROM cases; DELETE FROM tasks; DELETE FROM case_history; DELETE FROM consents;",
  );
  const caseColumns = Object.keys(templates[0]!);
  const insertCase = db.prepare(
    `INSERT INTO cases (${caseColumns.join(", ")}) VALUES (${caseColumns.map((c) => `@${c}`).join(", ")})`,
  );
  const taskColumns = Object.keys([...taskTemplates.values()][0]![0]!);
  const insertTask = db.prepare(
    `INSERT INTO tasks (${taskColumns.join(", ")}) VALUES (${taskColumns.map((c) => `@${c}`).join(", ")})`,
  );
  const insertPersonal = db.prepare(
    "INSERT INTO case_personal (case_id, person, identification) VALUES (?, ?, ?)",
  );
  // Referrals: every 25th case is also referred to the agency of another country (a transnational
  // referral, e.g. for return), so need-to-know lists merge owned and referred cases as in use.
  const owners = [
    ...new Set(templates.filter((t) => t.agency).map((t) => `${t.country as string}:${t.agency as string}`)),
  ];
  const insertGrant = db.prepare(
    "INSERT INTO case_grants (case_id, agency_id, granted_at, granted_by, basis, purpose) VALUES (?, ?, ?, 'seed', 'consent', 'protection')",
  );
  const insertHistory = db.prepare(
    "INSERT INTO case_history (case_id, seq, event_type, data, personal_fields, from_state, to_state, actor, at, pathway_version) VALUES (?, 1, 'CASE_OPENED', '{}', '[]', NULL, ?, 'seed', ?, ?)",
  );
  const now = Date.now();
  const nowIso = new Date(now).toISOString();
  const chunk = 50_000;
  for (let start = 0; start < count; start += chunk) {
    db.transaction(() => {
      for (let i = start; i < Math.min(count, start + chunk); i++) {
        const template = templates[i % templates.length]!;
        // Opened over the last three years, in id order; updated up to 60 days later.
        const created = now - 3 * 365 * DAY + Math.floor((i / count) * 3 * 365 * DAY);
        const updated = Math.min(now, created + Math.floor(Math.random() * 60 * DAY));
        const id = `case_${ulid(created)}`;
        const tasks = taskTemplates.get(template.id as string) ?? [];
        // Due dates around now: roughly a third of the open work is overdue.
        const dues = tasks.map(() =>
          new Date(now + Math.floor((Math.random() - 0.35) * 30 * DAY)).toISOString(),
        );
        const personal = plain.get(template.id as string)!;
        insertCase.run({
          ...template,
          id,
          // A case is assigned to a user of its own agency (the API reassigns only within it).
          assignee: `${template.agency as string}-caseworker-${i % 40}`,
          created_at: new Date(created).toISOString(),
          updated_at: new Date(updated).toISOString(),
          // ISO strings sort in time order.
          next_due_at: [...dues].sort()[0] ?? null,
        });
        insertPersonal.run(
          id,
          codec.encode(aad.person(id), personal.person),
          codec.encode(aad.identification(id), personal.identification),
        );
        if (i % 25 === 0) {
          const own = `${template.country as string}:${template.agency as string}`;
          const others = owners.filter((key) => key !== own);
          const to = others[(i / 25) % others.length];
          if (to) insertGrant.run(id, to, new Date(updated).toISOString());
        }
        insertHistory.run(id, template.state, new Date(created).toISOString(), template.pathway_version);
        tasks.forEach((task, n) => {
          // A running system has already sent the reminders of past-due work (the escalation ladder):
          // overdue tasks have no pending rung; future ones have their next rung at the due time.
          const overdue = dues[n]! < nowIso;
          insertTask.run({
            ...task,
            id: `task_${ulid(created)}`,
            case_id: id,
            due_at: dues[n],
            created_at: new Date(created).toISOString(),
            ...("next_at" in task && {
              next_at: overdue ? null : dues[n],
              next_step: overdue ? null : task.next_step,
              next_queued_at: null,
            }),
          });
        });
      }
    })();
    log(`  filled ${Math.min(count, start + chunk)} / ${count}`);
  }
  db.exec("ANALYZE");
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}
