/**
 * Consent records of a case. Recording goes through the engine's built-in RECORD_CONSENT event, so
 * guards see it at once and the case history shows it; the guardian of a minor and the purpose are
 * stored with the record (the guardian's name sealed, like all personal data).
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { namingRefusedEvent } from "../audit/refused-event.ts";
import { auditDraft } from "../auth/request-audit.ts";
import { CaseView } from "../cases/case-view.ts";
import { ApiProblem } from "../errors/problem.ts";
import { CaseIdParams } from "../routes/cases.ts";
import { problems } from "../routes/responses.ts";
import { CONSENT_EVENT, ConsentInput } from "./consent-record.ts";

const ConsentView = z
  .object({
    scope: z.string().describe("What the consent covers"),
    given: z.boolean().describe("Given (true) or withdrawn (false)"),
    method: z.string().describe("How it was obtained"),
    interpreterUsed: z.boolean().optional().describe("Whether an interpreter was present"),
    at: z.string().describe("When (ISO instant)"),
    actor: z.string().describe("User who recorded it"),
    hasPurpose: z
      .boolean()
      .describe("A purpose was told to the person; its text (free) is in the audited person read"),
    guardian: z
      .object({ relationship: z.string().describe("How the guardian relates to the child") })
      .optional()
      .describe("A guardian consented for a minor (the name only in the audited person read)"),
  })
  .describe("A consent record");

const consentRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/v1/cases/:id/consents",
    {
      config: { policy: "case:read" },
      schema: {
        tags: ["consent"],
        summary: "Consent records of a case, oldest first (the latest per scope decides)",
        params: CaseIdParams,
        response: { 200: z.object({ items: z.array(ConsentView) }).describe("Consents"), ...problems(404) },
      },
    },
    async (request) => {
      const aggregate = await app.store.cases.get(request.params.id);
      if (!aggregate) throw new ApiProblem("PASSERELLE_CASE_NOT_FOUND", "No case with this id");
      return {
        items: aggregate.consents.map(({ guardian, purpose, ...c }) => ({
          ...c,
          hasPurpose: purpose !== undefined,
          ...(guardian && { guardian: { relationship: guardian.relationship } }),
        })),
      };
    },
  );

  app.post(
    "/v1/cases/:id/consents",
    {
      config: { policy: "case:consent" },
      schema: {
        tags: ["consent"],
        summary: "Record consent given or withdrawn",
        description:
          "Applies RECORD_CONSENT to the case (compare-and-swap on `expectedRevision`). A withdrawal stops further sharing from that moment: referrals needing the scope are refused.",
        params: CaseIdParams,
        body: ConsentInput.safeExtend({
          expectedRevision: z.number().int().min(1).describe("The revision the client last saw"),
        }),
        response: { 200: CaseView, ...problems(400, 404, 409, 422) },
      },
    },
    async (request) => {
      const { expectedRevision, guardian, purpose, ...data } = request.body;
      const sent = { type: CONSENT_EVENT, expectedRevision };
      const view = await namingRefusedEvent(request, sent, () =>
        app.cases.applyEvent(
          request.params.id,
          { type: sent.type, data, expectedRevision },
          request.actor,
          new Date(),
          {
            ...(request.principal && {
              role: request.principal.role,
              audit: auditDraft(request, {
                action: data.given ? "consent.give" : "consent.withdraw",
                outcome: "allowed",
                targetType: "case",
                details: { scope: data.scope, method: data.method, guardian: guardian !== undefined },
              }),
            }),
            consent: { ...(guardian && { guardian }), ...(purpose && { purpose }) },
          },
        ),
      );
      // A withdrawal may have ended referral grants in the write: access is looked up afresh.
      app.caseAccess.forget(request.params.id);
      return view;
    },
  );
};
export default consentRoutes;
