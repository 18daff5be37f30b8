import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { build, type TestApp } from "../testing/build.ts";
import { openCase } from "../testing/fixtures.ts";
import { MAX_JSON_DEPTH, scanJson } from "./json-body.ts";

let t: TestApp;
beforeAll(async () => {
  t = await build({ shipped: false });
});
afterAll(async () => {
  await t?.close();
});

describe("deeply nested bodies", () => {
  it("counts nesting outside strings only", () => {
    expect(scanJson('{"a":[{"b":1}]}').depth).toBe(3);
    expect(scanJson('{"a":"[[[[\\"[[["}').depth).toBe(1);
    expect(scanJson("[".repeat(100), 10).depth).toBe(11);
  });

  it("finds a NUL escaped in a string or a key, and not an escaped backslash followed by u0000", () => {
    expect(scanJson(JSON.stringify({ a: "x\u0000y" })).nul).toBe(true);
    expect(scanJson(JSON.stringify({ "\u0000": 1 })).nul).toBe(true);
    expect(scanJson(JSON.stringify({ a: ["ok", { b: "\u0000" }] })).nul).toBe(true);
    expect(scanJson(JSON.stringify({ a: "\\u0000" })).nul).toBe(false);
    expect(scanJson(JSON.stringify({ a: "\u0001 é \n" })).nul).toBe(false);
  });

  it("refuses a body nested thousands of levels deep with 400, and other people's requests are unaffected", async () => {
    const { id } = await openCase(t.app);
    const deep = `${"[".repeat(30_000)}${"]".repeat(30_000)}`;
    const payload = `{"type":"SCREENING_COMPLETED","expectedRevision":1,"data":{"outcome":"other","notes":${deep}}}`;
    const [refused, other] = await Promise.all([
      t.app.inject({
        method: "POST",
        url: `/v1/cases/${id}/events`,
        payload,
        headers: { "content-type": "application/json" },
      }),
      openCase(t.app),
    ]);
    expect(refused.statusCode).toBe(400);
    expect(refused.json()).toMatchObject({ code: "PASSERELLE_JSON_TOO_DEEP", maxDepth: MAX_JSON_DEPTH });
    expect(other.revision).toBe(1);
    const read = await t.app.inject({ url: `/v1/cases/${id}` });
    expect(read.json().revision).toBe(1);
  });

  it("still refuses prototype poisoning, as Fastify's parser does", async () => {
    const res = await t.app.inject({
      method: "POST",
      url: "/v1/cases",
      payload: '{"__proto__":{"x":1}}',
      headers: { "content-type": "application/json" },
    });
    expect(res.statusCode).toBe(400);
  });
});

describe("one request's failure never fails another's", () => {
  it("a command that cannot reach the writer fails alone; the events batched with it commit", async () => {
    // Past the parser (a caller inside the server): data too deep to be cloned to the writer thread.
    const { id } = await openCase(t.app);
    const { id: other } = await openCase(t.app);
    let deep: unknown = "x";
    for (let i = 0; i < 30_000; i++) deep = [deep];
    const [failed, committed] = await Promise.allSettled([
      t.app.cases.applyEvent(
        id,
        {
          type: "SCREENING_COMPLETED",
          expectedRevision: 1,
          data: { outcome: "other", notes: deep as never },
        },
        "tester",
      ),
      t.app.cases.applyEvent(
        other,
        { type: "SCREENING_COMPLETED", expectedRevision: 1, data: { outcome: "other" } },
        "tester",
      ),
    ]);
    expect(failed.status).toBe("rejected");
    expect(committed.status).toBe("fulfilled");
    expect((await t.app.inject({ url: `/v1/cases/${other}` })).json().revision).toBe(2);
    expect((await t.app.inject({ url: `/v1/cases/${id}` })).json().revision).toBe(1);
  });
});
