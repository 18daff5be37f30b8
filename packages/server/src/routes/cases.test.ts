import type { InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, type TestApp } from "../testing/build.ts";
import { ADULT, CHILD, dumpCase, IDENTIFICATION, openCase, sendEvent } from "../testing/fixtures.ts";

let t: TestApp;
beforeAll(async () => {
  t = await build();
});
afterAll(async () => {
  await t.close();
});

describe("POST /v1/cases", () => {
  it("opens a case pinned to the latest published version, in the initial state, with its tasks", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/cases",
      payload: { country: "ZZ", person: ADULT, identification: IDENTIFICATION },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body.id).toMatch(/^case_[0-9A-Z]{26}$/);
    expect(res.headers.location).toBe(`/v1/cases/${body.id}`);
    expect(body).toMatchObject({
      country: "ZZ",
      pathwayVersion: 1,
      stage: "identification",
      state: "identification.intake",
      revision: 1,
      agency: "police",
    });
    expect(body.tasks.map((x: { taskId: string }) => x.taskId)).toEqual(["screening"]);
    expect(body.allowedEvents.map((e: { type: string }) => e.type)).toContain("SCREENING_COMPLETED");
    // The person is stored, never returned in the case.
    expect(res.body).not.toContain(ADULT.familyName);
  });

  it("refuses an unknown country (404), an unknown agency (422) and a malformed person (400)", async () => {
    const unknown = await t.app.inject({
      method: "POST",
      url: "/v1/cases",
      payload: { country: "QQ", person: ADULT, identification: IDENTIFICATION },
    });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().code).toBe("PASSERELLE_PATHWAY_NOT_FOUND");
    const agency = await t.app.inject({
      method: "POST",
      url: "/v1/cases",
      payload: { country: "ZZ", person: ADULT, identification: { ...IDENTIFICATION, agency: "nowhere" } },
    });
    expect(agency.statusCode).toBe(422);
    expect(agency.json()).toMatchObject({
      code: "PASSERELLE_UNKNOWN_AGENCY",
      agencies: ["police", "welfare", "shelter-ngo"],
    });
    const bad = await t.app.inject({
      method: "POST",
      url: "/v1/cases",
      payload: {
        country: "ZZ",
        person: { ...ADULT, birthDate: "02/04/1990" },
        identification: IDENTIFICATION,
      },
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.headers["content-type"]).toContain("application/problem+json");
    expect(bad.json().invalidFields[0].path).toBe("/body/person/birthDate");
    expect(bad.body).not.toContain("02/04/1990");
  });
});

describe("GET /v1/cases/{id}", () => {
  it("reads a case and answers 404 for an unknown id", async () => {
    const opened = await openCase(t.app);
    const res = await t.app.inject({ method: "GET", url: `/v1/cases/${opened.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ id: opened.id, revision: 1 });
    const missing = await t.app.inject({ method: "GET", url: "/v1/cases/case_00000000000000000000000000" });
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: "PASSERELLE_CASE_NOT_FOUND", status: 404 });
  });

  it("answers UTF-8 JSON whose length is counted in bytes (the pathway's labels are not all ASCII)", async () => {
    const opened = await openCase(t.app);
    const res = await t.app.inject({ method: "GET", url: `/v1/cases/${opened.id}` });
    expect(res.headers["content-type"]).toBe("application/json; charset=utf-8");
    expect(Number(res.headers["content-length"])).toBe(res.rawPayload.length);
    expect(res.rawPayload.length).toBeGreaterThan(res.body.length);
    expect(res.json()).toMatchObject({ id: opened.id });
  });
});

describe("POST /v1/cases/{id}/events", () => {
  it("applies an event: new state, revision+1, tasks of the old state cancelled and new ones opened", async () => {
    const opened = await openCase(t.app, CHILD);
    const res = await sendEvent(t.app, opened.id, "SCREENING_COMPLETED", 1, { outcome: "trafficking" });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      state: "screening.childAssessment",
      stage: "screening",
      revision: 2,
      facts: { outcome: "trafficking" },
    });
    expect(body.tasks.map((x: { taskId: string }) => x.taskId)).toEqual(["best-interests"]);
    const cancelled = await t.app.inject({ method: "GET", url: "/v1/tasks?status=cancelled&limit=200" });
    expect(
      cancelled
        .json()
        .items.some(
          (x: { caseId: string; taskId: string }) => x.caseId === opened.id && x.taskId === "screening",
        ),
    ).toBe(true);
  });

  it("records consent (RECORD_CONSENT) and a guard that needed it then holds", async () => {
    const opened = await openCase(t.app, ADULT);
    const consent = await sendEvent(t.app, opened.id, "RECORD_CONSENT", 1, {
      scope: "referral",
      given: true,
      method: "written",
    });
    expect(consent.statusCode).toBe(200);
    expect(consent.json().revision).toBe(2);
    const res = await sendEvent(t.app, opened.id, "SCREENING_COMPLETED", 2, { outcome: "trafficking" });
    expect(res.statusCode).toBe(200);
    expect(res.json().state).toBe("screening.reasonableGrounds");
  });

  it("closes a case with an outcome, and refuses further events (422 case closed)", async () => {
    const opened = await openCase(t.app, ADULT);
    const res = await sendEvent(t.app, opened.id, "LOST_CONTACT", 1);
    expect(res.json()).toMatchObject({
      stage: "closed",
      state: "closed.lostContact",
      outcome: "lostContact",
      allowedEvents: [],
      tasks: [],
    });
    const before = await dumpCase(t.file, opened.id);
    const again = await sendEvent(t.app, opened.id, "DECEASED", 2);
    expect(again.statusCode).toBe(422);
    expect(again.json().code).toBe("PASSERELLE_CASE_CLOSED");
    expect(await dumpCase(t.file, opened.id)).toBe(before);
  });

  describe("refusals change nothing stored", () => {
    const json = { "content-type": "application/json" };
    const cases: [string, number, string, (id: string) => InjectOptions][] = [
      [
        "malformed JSON",
        400,
        "PASSERELLE_MALFORMED_JSON",
        (id) => ({ method: "POST", url: `/v1/cases/${id}/events`, headers: json, payload: "{nope" }),
      ],
      [
        "empty body",
        400,
        "PASSERELLE_EMPTY_BODY",
        (id) => ({ method: "POST", url: `/v1/cases/${id}/events`, headers: json, payload: "" }),
      ],
      [
        "missing expectedRevision",
        400,
        "PASSERELLE_VALIDATION_FAILED",
        (id) => ({ method: "POST", url: `/v1/cases/${id}/events`, payload: { type: "LOST_CONTACT" } }),
      ],
      [
        "badly cased event type",
        400,
        "PASSERELLE_VALIDATION_FAILED",
        (id) => ({
          method: "POST",
          url: `/v1/cases/${id}/events`,
          payload: { type: "lost", expectedRevision: 1 },
        }),
      ],
      [
        "stale revision",
        409,
        "PASSERELLE_STALE_REVISION",
        (id) => ({
          method: "POST",
          url: `/v1/cases/${id}/events`,
          payload: { type: "LOST_CONTACT", expectedRevision: 7 },
        }),
      ],
      [
        "body too large",
        413,
        "PASSERELLE_BODY_TOO_LARGE",
        (id) => ({
          method: "POST",
          url: `/v1/cases/${id}/events`,
          payload: { type: "LOST_CONTACT", expectedRevision: 1, data: { x: "a".repeat(70_000) } },
        }),
      ],
      [
        "unsupported media type",
        415,
        "PASSERELLE_UNSUPPORTED_MEDIA_TYPE",
        (id) => ({
          method: "POST",
          url: `/v1/cases/${id}/events`,
          headers: { "content-type": "text/plain" },
          payload: "LOST_CONTACT",
        }),
      ],
      [
        "unknown event",
        422,
        "PASSERELLE_EVENT_UNKNOWN",
        (id) => ({
          method: "POST",
          url: `/v1/cases/${id}/events`,
          payload: { type: "FLY_AWAY", expectedRevision: 1 },
        }),
      ],
      [
        "event not handled here",
        422,
        "PASSERELLE_EVENT_NOT_ALLOWED",
        (id) => ({
          method: "POST",
          url: `/v1/cases/${id}/events`,
          payload: { type: "PLAN_AGREED", expectedRevision: 1 },
        }),
      ],
      [
        "guard failed",
        422,
        "PASSERELLE_GUARD_FAILED",
        (id) => ({
          method: "POST",
          url: `/v1/cases/${id}/events`,
          payload: { type: "SCREENING_COMPLETED", data: { outcome: "trafficking" }, expectedRevision: 1 },
        }),
      ],
      [
        "invalid event data",
        422,
        "PASSERELLE_EVENT_DATA_INVALID",
        (id) => ({
          method: "POST",
          url: `/v1/cases/${id}/events`,
          payload: { type: "SCREENING_COMPLETED", data: { outcome: "maybe" }, expectedRevision: 1 },
        }),
      ],
    ];
    for (const [name, status, code, request] of cases) {
      it(`${name} → ${status} ${code}`, async () => {
        const opened = await openCase(t.app, ADULT);
        const before = await dumpCase(t.file, opened.id);
        const res = await t.app.inject(request(opened.id));
        expect(res.statusCode).toBe(status);
        expect(res.headers["content-type"]).toContain("application/problem+json");
        const problem = res.json();
        expect(problem).toMatchObject({ status, code, type: `https://passerelle.dev/errors/${code}` });
        expect(problem.instance).toMatch(/^urn:passerelle:request:/);
        if (status === 422) expect(problem.allowedEvents).toContain("SCREENING_COMPLETED");
        expect(await dumpCase(t.file, opened.id)).toBe(before);
      });
    }

    it("a failed guard says which condition failed", async () => {
      const opened = await openCase(t.app, ADULT);
      const res = await sendEvent(t.app, opened.id, "SCREENING_COMPLETED", 1, { outcome: "trafficking" });
      expect(res.json().failedConditions.join(" ")).toMatch(/consent/i);
    });

    it("an unknown case → 404, a malformed id → 400", async () => {
      const missing = await sendEvent(t.app, "case_00000000000000000000000000", "LOST_CONTACT", 1);
      expect(missing.statusCode).toBe(404);
      const malformed = await sendEvent(t.app, "not-a-case", "LOST_CONTACT", 1);
      expect(malformed.statusCode).toBe(400);
      expect(malformed.json().code).toBe("PASSERELLE_VALIDATION_FAILED");
    });

    it("a URL with a NUL character (text PostgreSQL cannot hold) is refused as malformed, on either store", async () => {
      const opened = await openCase(t.app);
      const [event, read, list, other] = await Promise.all([
        sendEvent(t.app, "case_%00", "LOST_CONTACT", 1),
        t.app.inject({ method: "GET", url: "/v1/cases/case_%00" }),
        t.app.inject({ method: "GET", url: "/v1/cases?assignee=%00" }),
        t.app.inject({ method: "GET", url: `/v1/cases/${opened.id}` }),
      ]);
      for (const refused of [event, read, list]) {
        expect(refused.statusCode).toBe(400);
        expect(refused.json().code).toBe("PASSERELLE_VALIDATION_FAILED");
      }
      expect(other.statusCode).toBe(200);
    });
  });
});

describe("GET /v1/cases/{id}/history", () => {
  it("lists every accepted event with seq = revision, and withholds personal free text", async () => {
    const opened = await openCase(t.app, ADULT);
    await sendEvent(t.app, opened.id, "SCREENING_COMPLETED", 1, {
      outcome: "smuggling",
      notes: "Met at the bus station",
    });
    const res = await t.app.inject({ method: "GET", url: `/v1/cases/${opened.id}/history` });
    expect(res.statusCode).toBe(200);
    const items = res.json().items;
    expect(items.map((h: { seq: number }) => h.seq)).toEqual([1, 2]);
    expect(items[0]).toMatchObject({
      event: "CASE_OPENED",
      from: null,
      to: "identification.intake",
      actor: "anonymous",
      pathwayVersion: 1,
    });
    expect(items[1]).toMatchObject({
      event: "SCREENING_COMPLETED",
      from: "identification.intake",
      to: "closed.referredOut",
      data: { outcome: "smuggling" },
      withheld: ["notes"],
    });
    expect(res.body).not.toContain("bus station");
  });
});

describe("GET /v1/cases", () => {
  it("filters by country and stage, pages with a cursor, and never shows the person", async () => {
    const own = await build();
    const { app } = own;
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) ids.push((await openCase(app, ADULT)).id);
      await sendEvent(app, ids[0]!, "LOST_CONTACT", 1);
      const page1 = await app.inject({
        method: "GET",
        url: "/v1/cases?country=ZZ&stage=identification&limit=2",
      });
      expect(page1.statusCode).toBe(200);
      const p1 = page1.json();
      expect(p1.items.map((c: { id: string }) => c.id)).toEqual([ids[4], ids[3]]);
      const page2 = (
        await app.inject({
          method: "GET",
          url: `/v1/cases?country=ZZ&stage=identification&limit=2&cursor=${p1.nextCursor}`,
        })
      ).json();
      expect(page2.items.map((c: { id: string }) => c.id)).toEqual([ids[2], ids[1]]);
      const page3 = (
        await app.inject({
          method: "GET",
          url: `/v1/cases?country=ZZ&stage=identification&limit=2&cursor=${page2.nextCursor}`,
        })
      ).json();
      expect(page3).toEqual({ items: [], nextCursor: null });
      const closed = (await app.inject({ method: "GET", url: "/v1/cases?stage=closed" })).json();
      expect(closed.items.map((c: { id: string }) => c.id)).toEqual([ids[0]]);
      expect(JSON.stringify(p1)).not.toContain(ADULT.familyName);
      const none = (await app.inject({ method: "GET", url: "/v1/cases?overdue=true" })).json();
      expect(none.items).toEqual([]);
      const notOverdue = (
        await app.inject({ method: "GET", url: "/v1/cases?overdue=false&country=ZZ" })
      ).json();
      expect(notOverdue.items).toHaveLength(5);
    } finally {
      // The whole test app: on PostgreSQL its database is dropped with it.
      await own.close();
    }
  });

  it("refuses a forged cursor and a bad filter with 400", async () => {
    const cursor = await t.app.inject({ method: "GET", url: "/v1/cases?cursor=Zm9yZ2Vk" });
    expect(cursor.statusCode).toBe(400);
    expect(cursor.json().code).toBe("PASSERELLE_INVALID_CURSOR");
    const stage = await t.app.inject({ method: "GET", url: "/v1/cases?stage=limbo" });
    expect(stage.statusCode).toBe(400);
    expect(stage.json().invalidFields[0].path).toBe("/querystring/stage");
  });
});

describe("unknown routes", () => {
  it("answer a 404 problem with a catalog code", async () => {
    const res = await t.app.inject({ method: "GET", url: "/v1/nothing-here" });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ code: "PASSERELLE_ROUTE_NOT_FOUND", status: 404 });
  });
});
