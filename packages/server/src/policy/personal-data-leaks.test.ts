/**
 * Personal or free-text content leaves the server only through the audited person read: not in
 * task or consent lists, not in statistics labels, not in a URL, not in a log line.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildProtected, type ProtectedApp } from "../auth/testing.ts";
import { ADULT, CHILD } from "../testing/fixtures.ts";
import { rawDatabase } from "../testing/raw-database.ts";

let fx: ProtectedApp;
beforeAll(async () => {
  fx = await buildProtected();
});
afterAll(async () => {
  await fx?.close();
});

const NOTE = "Visited Zanele Mthembu-Quist at the clinic";

describe("personal data outside the audited person read", () => {
  it("a completed task's note is not in task lists or case views; the person read shows it, audited", async () => {
    const { id, tasks } = await fx.openCase(ADULT);
    const done = await fx.app.inject({
      method: "POST",
      url: `/v1/tasks/${tasks[0]!.id}/complete`,
      headers: await fx.headers("caseworker"),
      payload: { note: NOTE },
    });
    expect(done.statusCode, done.body).toBe(200);
    expect(done.body).not.toContain("Zanele");
    const lists = [
      await fx.app.inject({ url: "/v1/tasks?status=done", headers: await fx.headers("caseworker") }),
      await fx.app.inject({ url: `/v1/tasks/${tasks[0]!.id}`, headers: await fx.headers("caseworker") }),
      await fx.app.inject({ url: `/v1/cases/${id}`, headers: await fx.headers("caseworker") }),
    ];
    for (const res of lists) {
      expect(res.statusCode).toBe(200);
      expect(res.body).not.toContain("Zanele");
    }
    const listed = lists[0]!.json().items.find((t: { id: string }) => t.id === tasks[0]!.id);
    expect(listed).toMatchObject({ hasNote: true });
    const person = await fx.app.inject({
      url: `/v1/cases/${id}/person?purpose=followUp`,
      headers: await fx.headers("caseworker"),
    });
    expect(person.json().taskNotes).toEqual([{ taskId: tasks[0]!.id, note: NOTE }]);
    const read = (await fx.app.store.audit.list({ limit: 100, targetType: "case", targetId: id })).filter(
      (e) => e.action === "person.read",
    );
    expect(read.map((e) => e.reason)).toEqual(["followUp"]);
  });

  it("the purpose told to the person at consent is sealed, shown only by the person read", async () => {
    const { id } = await fx.openCase(ADULT);
    const purpose = "to tell Zanele's aunt in Kumasi where she is";
    const res = await fx.app.inject({
      method: "POST",
      url: `/v1/cases/${id}/consents`,
      headers: await fx.headers("caseworker"),
      payload: { scope: "referral", given: true, method: "oral", purpose, expectedRevision: 1 },
    });
    expect(res.statusCode).toBe(200);
    const list = await fx.app.inject({
      url: `/v1/cases/${id}/consents`,
      headers: await fx.headers("caseworker"),
    });
    expect(list.body).not.toContain("Kumasi");
    expect(list.json().items[0]).toMatchObject({ scope: "referral", hasPurpose: true });
    const person = await fx.app.inject({
      url: `/v1/cases/${id}/person`,
      headers: await fx.headers("caseworker"),
    });
    expect(person.json().consentPurposes).toMatchObject([{ scope: "referral", purpose }]);
    const raw = rawDatabase(fx.app)
      .prepare("SELECT purpose FROM consents WHERE case_id = ?")
      .pluck()
      .get(id) as string;
    expect(raw.startsWith("pse2.")).toBe(true);
  });

  it("a person read's purpose is a code: free text in the URL is refused and appears nowhere", async () => {
    const { id } = await fx.openCase(ADULT);
    const res = await fx.app.inject({
      url: `/v1/cases/${id}/person?purpose=${encodeURIComponent("asked by Zanele's brother")}`,
      headers: await fx.headers("caseworker"),
    });
    expect(res.statusCode).toBe(400);
    expect(res.body).not.toContain("brother");
    expect(fx.logs.join("")).not.toContain("brother");
    expect(JSON.stringify(await fx.app.store.audit.list({ limit: 10_000 }))).not.toContain("brother");
  });

  it("the age band is computed by the server, never taken as free text from the client", async () => {
    const res = await fx.app.inject({
      method: "POST",
      url: "/v1/cases",
      headers: await fx.headers("caseworker"),
      payload: {
        country: "ZZ",
        person: { ...ADULT, ageBand: "Zanele from Soweto" },
        identification: { date: "2026-11-02", agency: "police", method: "outreach" },
      },
    });
    expect(res.statusCode).toBe(400);
    await fx.openCase(CHILD);
    const stats = await fx.app.inject({
      url: "/v1/stats/cases?groupBy=ageBand",
      headers: await fx.headers("committee"),
    });
    expect(stats.statusCode).toBe(200);
    const labels = stats.json().rows.map((r: { ageBand: string | null }) => r.ageBand);
    for (const label of labels) expect(label === null || /^(\d+--\d+|48\+)$/.test(label)).toBe(true);
  });

  it("a token sent in a query string is never written to the log", async () => {
    const token = (await fx.headers("caseworker")).authorization.slice("Bearer ".length);
    await fx.app.inject({
      url: `/v1/cases?access_token=${token}&country=ZZ`,
      headers: await fx.headers("caseworker"),
    });
    await fx.app.inject({ url: `/v1/cases?token=${token}` });
    const logs = fx.logs.join("");
    expect(logs).toContain("access_token=[withheld]");
    expect(logs).not.toContain(token);
  });

  it("HEAD on a case is audited like GET", async () => {
    const { id } = await fx.openCase(ADULT);
    const res = await fx.app.inject({
      method: "HEAD",
      url: `/v1/cases/${id}`,
      headers: await fx.headers("caseworker"),
    });
    expect(res.statusCode).toBe(200);
    const reads = (await fx.app.store.audit.list({ limit: 100, targetType: "case", targetId: id })).filter(
      (e) => e.action === "case.read",
    );
    expect(reads).toHaveLength(1);
  });
});
