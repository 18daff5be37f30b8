/** Test data and raw views of the stored rows (read through a separate connection). */
import Database from "better-sqlite3";
import type { FastifyInstance } from "fastify";

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
) {
  const res = await app.inject({
    method: "POST",
    url: "/v1/cases",
    payload: { country, person, identification: IDENTIFICATION },
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

/** Every stored row of a case (case, history, tasks, consents), as one string to compare byte for byte. */
export function dumpCase(file: string, caseId: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return JSON.stringify({
      case: db.prepare("SELECT * FROM cases WHERE id = ?").get(caseId),
      history: db.prepare("SELECT * FROM case_history WHERE case_id = ? ORDER BY seq").all(caseId),
      tasks: db.prepare("SELECT * FROM tasks WHERE case_id = ? ORDER BY id").all(caseId),
      consents: db.prepare("SELECT * FROM consents WHERE case_id = ? ORDER BY id").all(caseId),
    });
  } finally {
    db.close();
  }
}

/** Every row of the case tables, for restart comparisons. */
export function dumpAll(file: string): string {
  const db = new Database(file, { readonly: true });
  try {
    return JSON.stringify({
      cases: db.prepare("SELECT * FROM cases ORDER BY id").all(),
      history: db.prepare("SELECT * FROM case_history ORDER BY case_id, seq").all(),
      tasks: db.prepare("SELECT * FROM tasks ORDER BY id").all(),
      consents: db.prepare("SELECT * FROM consents ORDER BY id").all(),
    });
  } finally {
    db.close();
  }
}
