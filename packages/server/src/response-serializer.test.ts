import Fastify from "fastify";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { CaseView } from "./cases/case-view.ts";
import { encodeCaseView, responseSerializerCompiler } from "./response-serializer.ts";

/** A case view serialised as its routes do: by the serializer Fastify compiles for them. */
const serializeCaseView = responseSerializerCompiler({
  schema: CaseView,
  method: "GET",
  url: "/v1/cases/:id",
  httpStatus: "200",
}) as (view: CaseView) => string;

const view = {
  id: "case_01",
  country: "ZZ",
  pathwayVersion: 1,
  stage: "screening",
  state: "screening.pending",
  revision: 2,
  assignee: null,
  agency: "police",
  createdAt: "2026-11-23T10:00:00.000Z",
  updatedAt: "2026-11-23T10:01:00.000Z",
  facts: { riskLevel: 1 },
  allowedEvents: [
    {
      type: "RISK_ASSESSED",
      label: { en: "Risk assessed" },
      dataSchema: { type: "object", properties: { riskLevel: { type: "integer" } } },
      roles: ["caseworker"],
      blockedBy: [],
      branches: [{ target: null, text: "to record it", open: true, needs: [], unmet: [] }],
    },
  ],
  tasks: [],
};

async function serve(payload: unknown) {
  const app = Fastify();
  app.setSerializerCompiler(responseSerializerCompiler);
  app.get("/x", { schema: { response: { 200: CaseView } } }, async () => payload);
  try {
    return await app.inject({ method: "GET", url: "/x" });
  } finally {
    await app.close();
  }
}

describe("response serializer compiled from the zod schema", () => {
  it("writes what the schema declares, records (facts, data schemas) included", async () => {
    const res = await serve(view);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual(view);
  });

  it("drops properties the schema does not declare, at any depth", async () => {
    const res = await serve({
      ...view,
      person: { givenName: "Zorbalina" },
      allowedEvents: [{ ...view.allowedEvents[0], secret: "sealed" }],
    });
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain("Zorbalina");
    expect(res.body).not.toContain("sealed");
    expect(res.json()).toEqual(view);
  });

  it("refuses to send an answer missing a required property", async () => {
    const { revision: _, ...partial } = view;
    const res = await serve(partial);
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain("screening.pending");
  });

  it("reuses an allowed event's serialised form per data schema and branch texts, and only those", async () => {
    const [risk] = view.allowedEvents;
    const needs = ["consent to referral must be recorded"];
    const blocked = {
      ...risk!,
      blockedBy: needs,
      branches: [
        { target: null, text: `to record it: ${needs[0]} (it is not)`, open: false, needs, unmet: needs },
      ],
    };
    const payloads: unknown[] = [
      view,
      { ...view, revision: 3, allowedEvents: [risk, blocked] },
      // A property the schema does not declare is dropped whether the event is serialised or reused.
      {
        ...view,
        allowedEvents: [
          { ...risk, secret: "sealed" },
          { ...blocked, secret: "sealed" },
        ],
      },
    ];
    const app = Fastify();
    app.setSerializerCompiler(responseSerializerCompiler);
    let next = 0;
    app.get("/x", { schema: { response: { 200: CaseView } } }, async () => payloads[next++]);
    try {
      const [first, again, sneaky] = [
        await app.inject({ method: "GET", url: "/x" }),
        await app.inject({ method: "GET", url: "/x" }),
        await app.inject({ method: "GET", url: "/x" }),
      ];
      expect(first!.json()).toEqual(view);
      expect(again!.json()).toEqual({ ...view, revision: 3, allowedEvents: [risk, blocked] });
      expect(sneaky!.body).not.toContain("sealed");
      expect(sneaky!.json()).toEqual({ ...view, allowedEvents: [risk, blocked] });
    } finally {
      await app.close();
    }
  });

  it("keeps the JSON of a frozen list of allowed events (the engine shares them), not of a list that can change", () => {
    const [risk] = view.allowedEvents;
    const other = { ...risk!, type: "LOST_CONTACT", label: { en: "Lost contact" } };
    const types = (json: string) => (JSON.parse(json) as CaseView).allowedEvents.map((e) => e.type);
    // A list built by hand and changed between two answers: each answer says what it holds then.
    const list = [risk!];
    const asView = (allowedEvents: CaseView["allowedEvents"]) => ({ ...view, allowedEvents }) as CaseView;
    expect(types(serializeCaseView(asView(list)))).toEqual(["RISK_ASSESSED"]);
    list.push(other);
    expect(types(serializeCaseView(asView(list)))).toEqual(["RISK_ASSESSED", "LOST_CONTACT"]);
    // A frozen list answers the same each time.
    const shared = Object.freeze([risk!, other]) as unknown as CaseView["allowedEvents"];
    expect(serializeCaseView(asView(shared))).toBe(serializeCaseView(asView(shared)));
    expect(types(serializeCaseView(asView(shared)))).toEqual(["RISK_ASSESSED", "LOST_CONTACT"]);
  });

  it("encodes a case view to the UTF-8 bytes of its JSON, labels beyond ASCII included", () => {
    const [risk] = view.allowedEvents;
    // Its own data schema object: an event's JSON is kept per data schema (one per pathway event).
    const french = {
      ...risk!,
      label: { en: "Risk assessed — again", fr: "Évaluation du risque" },
      dataSchema: { ...risk!.dataSchema },
    };
    for (const allowedEvents of [[french], Object.freeze([french, risk!])]) {
      const v = { ...view, allowedEvents } as unknown as CaseView;
      const bytes = encodeCaseView(v);
      expect(bytes.equals(Buffer.from(serializeCaseView(v), "utf8"))).toBe(true);
      expect(JSON.parse(bytes.toString("utf8")).allowedEvents[0].label.en).toBe("Risk assessed — again");
    }
  });

  it("leaves schemas with transforms to zod, which refuses to encode a one-way transform", async () => {
    const app = Fastify();
    app.setSerializerCompiler(responseSerializerCompiler);
    const Shouted = z.object({ word: z.string().transform((w) => w.toUpperCase()) });
    app.get("/y", { schema: { response: { 200: Shouted } } }, async () => ({ word: "quiet" }));
    try {
      const res = await app.inject({ method: "GET", url: "/y" });
      // A stringifier compiled from the JSON Schema would have sent "quiet" as is.
      expect(res.statusCode).toBe(500);
      expect(res.body).not.toContain("quiet");
    } finally {
      await app.close();
    }
  });
});
