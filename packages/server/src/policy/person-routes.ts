/**
 * The person behind a case: names, contacts, identity numbers, the identification, and the personal
 * fields of its events, guardians' names and task notes — the only route that returns them. Need-to-know (case roles of the owning
 * or a referred agency), and every read is in the audit log with its stated purpose.
 */
import { PERSON_READ_PURPOSES } from "@passerelle/definitions";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { auditDraft } from "../auth/request-audit.ts";
import { ApiProblem } from "../errors/problem.ts";
import { CaseIdParams } from "../routes/cases.ts";
import { problems } from "../routes/responses.ts";

const personRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/v1/cases/:id/person",
    {
      config: { policy: "case:read" },
      schema: {
        tags: ["cases"],
        summary: "The person's personal data (audited)",
        description:
          "Returns the person, the identification and the personal fields of the case's events. Each read is recorded in the audit log with `purpose`.",
        params: CaseIdParams,
        querystring: z
          .object({
            purpose: z
              .enum(PERSON_READ_PURPOSES)
              .default("caseWork")
              .describe("Why you need it, as a code (recorded in the audit log): never free text in a URL"),
          })
          .strict(),
        response: {
          200: z
            .object({
              caseId: z.string().describe("Case id"),
              person: z
                .record(z.string(), z.unknown())
                .describe("The person as registered ({} after retention erased it)"),
              identification: z.record(z.string(), z.unknown()).describe("Where, how and by whom identified"),
              events: z
                .array(
                  z.object({
                    seq: z.number().int().describe("History entry"),
                    event: z.string().describe("Event type"),
                    fields: z.record(z.string(), z.unknown()).describe("Its personal fields"),
                  }),
                )
                .describe("Personal fields of past events (free-text notes, contacts…)"),
              guardians: z
                .array(
                  z.object({
                    scope: z.string().describe("Consent scope the guardian gave or withdrew"),
                    at: z.string().describe("When"),
                    name: z.string().describe("Guardian's name"),
                    relationship: z.string().describe("How the guardian relates to the child"),
                  }),
                )
                .describe("Guardians named in consent records"),
              consentPurposes: z
                .array(z.object({ scope: z.string(), at: z.string(), purpose: z.string() }))
                .describe("The purposes told to the person when consent was recorded"),
              taskActionReasons: z
                .array(
                  z.object({
                    taskId: z.string(),
                    action: z.string(),
                    at: z.string(),
                    reason: z.string().nullable(),
                  }),
                )
                .describe("Reasons given when tasks were snoozed or reassigned"),
              taskNotes: z
                .array(z.object({ taskId: z.string(), note: z.string().nullable() }))
                .describe("Notes given when tasks were completed"),
            })
            .describe("Personal data of a case"),
          ...problems(400, 401, 404),
        },
      },
    },
    async (request) => {
      const aggregate = await app.store.cases.get(request.params.id);
      if (!aggregate) throw new ApiProblem("PASSERELLE_CASE_NOT_FOUND", "No case with this id");
      const history = await app.store.cases.history(request.params.id);
      const taskNotes = await app.store.cases.taskNotes(request.params.id);
      await app.audit(
        auditDraft(request, {
          action: "person.read",
          outcome: "allowed",
          targetType: "case",
          targetId: request.params.id,
          reason: request.query.purpose,
        }),
      );
      return {
        caseId: request.params.id,
        person: aggregate.case.person,
        identification: aggregate.case.identification,
        events: history
          .filter((h) => h.personalFields.length > 0)
          .map((h) => ({
            seq: h.seq,
            event: h.eventType,
            fields: Object.fromEntries(
              h.personalFields.filter((k) => k in h.data).map((k) => [k, h.data[k]]),
            ),
          })),
        guardians: aggregate.consents.flatMap((c) =>
          c.guardian
            ? [{ scope: c.scope, at: c.at, name: c.guardian.name, relationship: c.guardian.relationship }]
            : [],
        ),
        consentPurposes: aggregate.consents.flatMap((c) =>
          c.purpose !== undefined ? [{ scope: c.scope, at: c.at, purpose: c.purpose }] : [],
        ),
        taskNotes,
        taskActionReasons: await app.store.tasks.reasonsOfCase(request.params.id),
      };
    },
  );
};
export default personRoutes;
