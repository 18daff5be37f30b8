/**
 * Cases: open, read, list, send an event, read the history. No personal data in URLs, lists or
 * errors; the person is accepted on creation and stored apart.
 */
import { CountryCode, EventType, STAGE_IDS } from "@passerelle/definitions";
import type { Json } from "@passerelle/engine";
import type { FastifyReply } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { namingRefusedEvent } from "../audit/refused-event.ts";
import { auditDraft } from "../auth/request-audit.ts";
import { CaseListView, CaseView, HistoryEntryView } from "../cases/case-view.ts";
import { Identification, Person } from "../cases/person.ts";
import { CONSENT_EVENT } from "../consent/consent-record.ts";
import { decodeCursor } from "../cursor.ts";
import { ApiProblem } from "../errors/problem.ts";
import { CASE_ID_PATTERN } from "../ids.ts";
import { agencyParts, visibleTo } from "../policy/visible-to.ts";
import { problems, sendSerialized } from "./responses.ts";

export const CaseIdParams = z.object({
  id: z.string().regex(CASE_ID_PATTERN, { message: "must be a case id (case_…)" }).describe("Case id"),
});

export const OpenCaseBody = z
  .object({
    country: CountryCode,
    pathwayVersion: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe("Pathway version; default: the latest published"),
    person: Person,
    identification: Identification,
    assignee: z
      .string()
      .min(1)
      .max(100)
      .optional()
      .describe("User or team id to assign the case to (not a name)"),
  })
  .strict()
  .describe("A case to open");

export const EventBody = z
  .object({
    type: EventType.max(64).describe("Event type, one of the case's allowedEvents"),
    data: z.record(z.string(), z.unknown()).optional().describe("Event data, as the event's dataSchema says"),
    expectedRevision: z.number().int().min(1).describe("The revision the client last saw (compare-and-swap)"),
  })
  .strict()
  .describe("An event to apply to a case");

const ListQuery = z.object({
  country: CountryCode.optional(),
  stage: z.enum(STAGE_IDS).optional().describe("Top-level stage"),
  overdue: z
    .stringbool()
    .optional()
    .describe("Only cases with (true) or without (false) an overdue open task"),
  assignee: z.string().min(1).max(100).optional().describe("Assigned user or team id"),
  cursor: z.string().max(200).optional().describe("nextCursor of the previous page"),
  limit: z.coerce.number().int().min(1).max(200).default(50).describe("Page size (1–200, default 50)"),
});

const caseRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    "/v1/cases",
    {
      config: { policy: "case:create" },
      schema: {
        tags: ["cases"],
        summary: "Open a case",
        description: "Pins the case to the given pathway version, or the latest published one.",
        body: OpenCaseBody,
        response: { 201: CaseView, ...problems(400, 404, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const principal = request.principal;
      if (principal) {
        // A case is opened for the caller's own agency, in its country (need-to-know).
        const own = agencyParts(principal.agencyId);
        if (request.body.country !== own.country || request.body.identification.agency !== own.code) {
          await app.audit(
            auditDraft(request, { action: "case.create", outcome: "denied", reason: "not-own-agency" }),
          );
          throw new ApiProblem("PASSERELLE_FORBIDDEN", "Cases are opened for your own agency and country", {
            policy: "case:create",
          });
        }
      }
      const view = await app.cases.open(request.body, request.actor, new Date(), {
        ...(principal && {
          audit: auditDraft(request, { action: "case.create", outcome: "allowed", targetType: "case" }),
        }),
      });
      return reply.code(201).header("location", `/v1/cases/${view.id}`).send(view);
    },
  );

  app.get(
    "/v1/cases",
    {
      config: { policy: "case:list" },
      schema: {
        tags: ["cases"],
        summary: "List cases, newest first",
        description: "Keyset pagination: pass `nextCursor` as `cursor`. No personal data in the list.",
        querystring: ListQuery,
        response: {
          200: CaseListView,
          ...problems(400),
        },
      },
    },
    async (request, reply) => {
      const q = request.query;
      const now = new Date().toISOString();
      const afterId = q.cursor === undefined ? undefined : decodeCursor(q.cursor, CASE_ID_PATTERN);
      const visible = visibleTo(request.principal);
      const json = await app.cases.listJson({
        ...(visible && { visibleTo: visible }),
        ...(q.country !== undefined && { country: q.country }),
        ...(q.stage !== undefined && { stage: q.stage }),
        ...(q.assignee !== undefined && { assignee: q.assignee }),
        ...(q.overdue !== undefined && { overdue: q.overdue }),
        ...(afterId !== undefined && { afterId }),
        now,
        limit: q.limit,
      });
      return sendSerialized(reply as unknown as FastifyReply, json);
    },
  );

  app.get(
    "/v1/cases/:id",
    {
      config: { policy: "case:read" },
      schema: {
        tags: ["cases"],
        summary: "Read a case",
        params: CaseIdParams,
        response: { 200: CaseView, ...problems(400, 404) },
      },
    },
    async (request, reply) =>
      sendSerialized(reply as unknown as FastifyReply, await app.cases.getJson(request.params.id)),
  );

  app.post(
    "/v1/cases/:id/events",
    {
      config: { policy: "case:act" },
      schema: {
        tags: ["cases"],
        summary: "Apply an event",
        description:
          "One durable transaction: snapshot, history row, tasks, consents and revision+1, guarded by compare-and-swap on `expectedRevision`. A refusal changes nothing.",
        params: CaseIdParams,
        body: EventBody,
        response: { 200: CaseView, ...problems(400, 404, 409, 413, 415, 422) },
      },
    },
    async (request, reply) => {
      const body = request.body;
      // Consent is the owning agency's to record (the route and the built-in event alike): an agency
      // the case was referred to must not unlock a sharing the owner was refused.
      if (body.type === CONSENT_EVENT && request.caseRelation === "referred") {
        throw new ApiProblem("PASSERELLE_FORBIDDEN", "Only the agency that owns the case records consent", {
          policy: "case:consent",
        });
      }
      const json = await namingRefusedEvent(request, body, () =>
        app.cases.applyEventJson(
          request.params.id,
          {
            type: body.type,
            expectedRevision: body.expectedRevision,
            ...(body.data !== undefined && { data: body.data as Record<string, Json> }),
          },
          request.actor,
          new Date(),
          request.principal
            ? {
                role: request.principal.role,
                audit: auditDraft(request, { action: "case.event", outcome: "allowed", targetType: "case" }),
              }
            : {},
        ),
      );
      // A withdrawal may have ended referral grants in the write: access is looked up afresh.
      if (body.type === CONSENT_EVENT) app.caseAccess.forget(request.params.id);
      return sendSerialized(reply as unknown as FastifyReply, json);
    },
  );

  app.get(
    "/v1/cases/:id/history",
    {
      config: { policy: "case:read" },
      schema: {
        tags: ["cases"],
        summary: "Every accepted event of a case",
        description: "Values of personal fields (free text) are withheld; `withheld` names them.",
        params: CaseIdParams,
        response: {
          200: z
            .object({
              caseId: z.string().describe("Case id"),
              items: z.array(HistoryEntryView).describe("Oldest first; seq 1 is the opening"),
            })
            .describe("History"),
          ...problems(400, 404),
        },
      },
    },
    async (request) => {
      const rows = await app.cases.history(request.params.id);
      return {
        caseId: request.params.id,
        items: rows.map((h) => ({
          seq: h.seq,
          event: h.eventType,
          data: Object.fromEntries(Object.entries(h.data).filter(([key]) => !h.personalFields.includes(key))),
          withheld: h.personalFields,
          from: h.fromState,
          to: h.toState,
          actor: h.actor,
          at: h.at,
          pathwayVersion: h.pathwayVersion,
        })),
      };
    },
  );
};
export default caseRoutes;
