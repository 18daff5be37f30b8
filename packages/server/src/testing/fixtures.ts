/** Test data and raw views of the stored rows (read through a separate connection). */
import Database from "better-sqlite3";
import type { FastifyInstance } from "fastify";
import pg from "pg";

export const ADULT = {
  givenName: "Ama",
  familyName: "Testperson",
  sex: "female",
  birthDate: "1990-04-02",
  nationality: "GH",
};
export const CHILD = { givenName: "Kofi", familyName: "Testchild", sex: "male", ageUncertain: true };
export const IDENTIFICATION = {
  date: "2026-11-02",
  agency: "police",
  method: "outreach",
  location: "Border post",
};

export async function openCase(
  app: FastifyInstance,
  person: Record<string, unknown> = ADULT,
  country = "ZZ",
  identification: Record<string, unknown> = IDENTIFICATION,
) {
  const res = await app.inject({
    method: "POST",
    url: "/v1/cases",
    payload: { country, person, identification },
  });
  if (res.statusCode !== 201) throw new Error(`open case: ${res.statusCode} ${res.body}`);
  return res.json() as { id: string; revision: number; state: string; tasks: { id: string }[] };
}

export async function sendEvent(
  app: FastifyInstance,
  id: string,
  type: string,
  expectedRevision: number,
  data?: Record<string, unknown>,
) {
  return app.inject({
    method: "POST",
    url: `/v1/cases/${id}/events`,
    payload: { type, expectedRevision, ...(data && { data }) },
  });
}

/** Rows of `queries` (name → SQL with `$1` for `caseId`) read through a separate connection. */
async function rows(file: string, queries: Record<string, string>, param?: string): Promise<string> {
  const result: Record<string, unknown> = {};
  if (/^postgres(ql)?:\/\//.test(file)) {
    const client = new pg.Client({ connectionString: file });
    await client.connect();
    try {
      for (const [name, sql] of Object.entries(queries))
        result[name] = (await client.query(sql, param === undefined ? [] : [param])).rows;
    } finally {
      await client.end();
    }
    return JSON.stringify(result);
  }
  const db = new Database(file, { readonly: true });
  try {
    for (const [name, sql] of Object.entries(queries)) {
      const statement = db.prepare(sql.replace("$1", "?"));
      result[name] = param === undefined ? statement.all() : statement.all(param);
    }
    return JSON.stringify(result);
  } finally {
    db.close();
  }
}

/**
 * Every stored row of a case (case, history, tasks, consents), as one string to compare byte for
 * byte; `file` is the test app's database (a SQLite file or a PostgreSQL URL).
 */
export function dumpCase(file: string, caseId: string): Promise<string> {
  return rows(
    file,
    {
      case: "SELECT * FROM cases WHERE id = $1",
      history: "SELECT * FROM case_history WHERE case_id = $1 ORDER BY seq",
      tasks: "SELECT * FROM tasks WHERE case_id = $1 ORDER BY id",
      consents: "SELECT * FROM consents WHERE case_id = $1 ORDER BY id",
    },
    caseId,
  );
}

/** Every row of the case tables, for restart comparisons. */
export function dumpAll(file: string): Promise<string> {
  return rows(file, {
    cases: "SELECT * FROM cases ORDER BY id",
    history: "SELECT * FROM case_history ORDER BY case_id, seq",
    tasks: "SELECT * FROM tasks ORDER BY id",
    consents: "SELECT * FROM consents ORDER BY id",
  });
}

/** How many rows `table` holds, read through a separate connection (either database). */
export async function countRows(file: string, table: string): Promise<number> {
  const { n } = JSON.parse(await rows(file, { n: `SELECT count(*) AS n FROM ${table}` })) as {
    n: { n: number | string }[];
  };
  return Number(n[0]?.n);
}
