/**
 * Sharing a case: referral to another agency (grants it access, needs consent unless the person is a
 * child), and reassignment within the owning agency (supervisors). Each grant is written with its
 * audit entry in one transaction.
 */
import { isMinor } from "@passerelle/engine";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { agencyKey } from "../auth/directory.ts";
import { auditDraft } from "../auth/request-audit.ts";
import { personAttributes } from "../cases/person.ts";
import { mayShare } from "../consent/sharing.ts";
import { ApiProblem } from "../errors/problem.ts";
import { CaseIdParams } from "../routes/cases.ts";
import { problems } from "../routes/responses.ts";

const GrantView = z
  .object({
    agencyId: z.string().describe("Agency the case is shared with (`<country>:<code>`)"),
    grantedAt: z.string().describe("When"),
    grantedBy: z.string().describe("User who referred"),
    basis: z.enum(["consent", "bestInterests"]).describe("consent, or a child's best interests"),
    purpose: z.string().nullable().describe("Specified purpose"),
    revokedAt: z.string().nullable().describe("When access was withdrawn, if it was"),
  })
  .describe("A referral grant");

const referralRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/v1/cases/:id/referrals",
    {
      config: { policy: "case:read" },
      schema: {
        tags: ["referrals"],
        summary: "Agencies this case was referred to",
        params: CaseIdParams,
        response: { 200: z.object({ items: z.array(GrantView) }).describe("Grants"), ...problems(404) },
      },
    },
    async (request) => ({ items: app.grants.list(request.params.id) }),
  );

  app.post(
    "/v1/cases/:id/referrals",
    {
      config: { policy: "case:refer" },
      schema: {
        tags: ["referrals"],
        summary: "Refer the case to another agency",
        description:
          "Grants the agency access to the case. An adult's referral needs consent (`referral` or `dataSharing`, neither withdrawn; `crossBorderTransfer` too for an agency in another country). A child's referral rests on best interests.",
        params: CaseIdParams,
        body: z
          .object({
            agency: z
              .string()
              .min(1)
              .max(100)
              .describe("Agency id in the case's pathway, or `<country>:<code>` abroad"),
            purpose: z
              .string()
              .min(1)
              .max(200)
              .describe("Specified purpose of the referral (no personal data)"),
          })
          .strict()
          .describe("A referral"),
        response: { 201: GrantView, ...problems(400, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const aggregate = await app.store.getCase(request.params.id);
      if (!aggregate) throw new ApiProblem("PASSERELLE_CASE_NOT_FOUND", "No case with this id");
      const c = aggregate.case;
      const key = request.body.agency.includes(":")
        ? request.body.agency
        : agencyKey(c.country, request.body.agency);
      const agency = app.directory.getAgency(key);
      if (!agency)
        throw new ApiProblem("PASSERELLE_AGENCY_NOT_REGISTERED", "The agency is not registered", {
          agency: key,
        });
      const pathway = app.pathways.get(c.country, c.pathwayVersion)!.pathway;
      const now = new Date();
      const decision = mayShare(aggregate.consents, {
        minor: isMinor(personAttributes(c.person), now, pathway.timezone),
        crossBorder: agency.country !== c.country,
      });
      const draft = auditDraft(request, {
        action: "case.refer",
        targetType: "case",
        targetId: c.id,
        outcome: decision.ok ? "allowed" : "denied",
        details: { agency: key, scopes: decision.scopes, ...(decision.ok ? { basis: decision.basis } : {}) },
      });
      if (!decision.ok) {
        await app.audit({ ...draft, reason: decision.reason });
        throw new ApiProblem(
          decision.reason === "consentWithdrawn"
            ? "PASSERELLE_CONSENT_WITHDRAWN"
            : "PASSERELLE_CONSENT_REQUIRED",
          decision.reason === "consentWithdrawn"
            ? `Consent withdrawn for ${decision.scopes.join(", ")}: the case is not shared`
            : `Consent needed for ${decision.scopes.join(" or ")} before sharing`,
          { scopes: decision.scopes },
        );
      }
      const grant = await app.store.transact(() => {
        const g = app.grants.grant({
          caseId: c.id,
          agencyId: key,
          grantedAt: now.toISOString(),
          grantedBy: request.actor,
          basis: decision.basis,
          purpose: request.body.purpose,
        });
        if (app.protections) app.auditLog.appendInTransaction(draft);
        return g;
      });
      app.caseAccess.forget(c.id);
      return reply.code(201).send(grant);
    },
  );

  app.post(
    "/v1/cases/:id/assignee",
    {
      config: { policy: "case:reassign" },
      schema: {
        tags: ["referrals"],
        summary: "Reassign the case within the owning agency (supervisors)",
        params: CaseIdParams,
        body: z
          .object({
            assignee: z.string().min(1).max(100).describe("User id of the new assignee (not a name)"),
          })
          .strict()
          .describe("New assignee"),
        response: {
          200: z.object({ id: z.string(), assignee: z.string() }).describe("Reassigned"),
          ...problems(400, 403, 404, 422),
        },
      },
    },
    async (request) => {
      const { assignee } = request.body;
      const target = app.directory.getUser(assignee);
      // Within the agency: the new assignee must belong to the caller's agency.
      if (request.principal && (!target || target.agencyId !== request.principal.agencyId)) {
        throw new ApiProblem("PASSERELLE_FORBIDDEN", "The assignee is not a user of your agency", {
          policy: "case:reassign",
        });
      }
      const update = app.sqlite.prepare("UPDATE cases SET assignee = ? WHERE id = ?");
      await app.store.transact(() => {
        update.run(assignee, request.params.id);
        if (app.protections) {
          app.auditLog.appendInTransaction(
            auditDraft(request, {
              action: "case.reassign",
              outcome: "allowed",
              targetType: "case",
              targetId: request.params.id,
              details: { assignee },
            }),
          );
        }
      });
      return { id: request.params.id, assignee };
    },
  );
};
export default referralRoutes;
