import { describe, expect, it } from "vitest";
import { build } from "./testing/build.ts";
import { IDENTIFICATION } from "./testing/fixtures.ts";

const NAME = { givenName: "Zorbalina", familyName: "Qwertyson" };
// With its space: digits alone could turn up by chance in a timestamp, an id or a response time.
const PHONE = "+000 97531 86420";

describe("logs and errors carry no personal data", () => {
  it("never writes a person's name, in logs or in error responses", async () => {
    const t = await build();
    try {
      const person = { ...NAME, sex: "female", birthDate: "1994-03-05", mobilePhone: PHONE };
      const created = await t.app.inject({
        method: "POST",
        url: "/v1/cases",
        payload: { country: "ZZ", person, identification: IDENTIFICATION },
      });
      expect(created.statusCode).toBe(201);
      const id = created.json().id as string;
      const bodies = [created.body];
      // Refused requests that carry the name: bad field, unknown field, too large, bad JSON, unknown country.
      const attempts = [
        { country: "ZZ", person: { ...person, birthDate: NAME.familyName }, identification: IDENTIFICATION },
        { country: "ZZ", person: { ...person, nickname: NAME.givenName }, identification: IDENTIFICATION },
        {
          country: "ZZ",
          person: { ...person, otherNames: `${NAME.givenName} ${"x".repeat(70_000)}` },
          identification: IDENTIFICATION,
        },
        { country: "QQ", person, identification: IDENTIFICATION },
        { country: "ZZ", person, identification: { ...IDENTIFICATION, agency: NAME.familyName } },
      ];
      for (const payload of attempts)
        bodies.push((await t.app.inject({ method: "POST", url: "/v1/cases", payload })).body);
      bodies.push(
        (
          await t.app.inject({
            method: "POST",
            url: "/v1/cases",
            headers: { "content-type": "application/json" },
            payload: `{"person":{"givenName":"${NAME.givenName}"`,
          })
        ).body,
      );
      bodies.push(
        (
          await t.app.inject({
            method: "POST",
            url: `/v1/cases/${id}/events`,
            payload: { type: "TRANSFERRED", data: { country: NAME.familyName }, expectedRevision: 1 },
          })
        ).body,
      );
      bodies.push((await t.app.inject({ method: "GET", url: `/v1/cases/${id}` })).body);
      bodies.push((await t.app.inject({ method: "GET", url: "/v1/cases" })).body);

      const logs = t.logs.join("");
      expect(logs).toContain('"statusCode":400');
      expect(logs).toContain(id);
      for (const text of [logs, ...bodies]) {
        expect(text).not.toContain(NAME.givenName);
        expect(text).not.toContain(NAME.familyName);
        expect(text).not.toContain("97531 86420");
      }
      // Every log line of a request carries its id.
      const requestLines = t.logs.map((line) => JSON.parse(line)).filter((l) => l.req || l.res);
      expect(requestLines.length).toBeGreaterThanOrEqual(10);
      for (const line of requestLines) expect(line.reqId).toMatch(/^[0-9a-f-]{36}$/);
      // One completion line per request (10 above), with method, url and status.
      const completed = requestLines.filter(
        (l) => l.msg === "request completed" || l.msg === "request errored",
      );
      expect(completed).toHaveLength(10);
      for (const line of completed) {
        expect(line.req.method).toMatch(/^(GET|POST)$/);
        expect(line.req.url).toMatch(/^\/v1\/cases/);
        expect(typeof line.res.statusCode).toBe("number");
      }
    } finally {
      await t.close();
    }
  });
});
