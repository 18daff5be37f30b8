/**
 * Sharing a case: referral to another agency (grants it access; needs consent, or for a child a
 * recorded best-interests decision), its revocation, and reassignment within the owning agency
 * (supervisors). Each grant and revocation is written with its audit entry in one transaction.
 */
import { BEST_INTERESTS_GROUNDS, REVOKE_REASONS } from "@passerelle/definitions";
import { isMinor } from "@passerelle/engine";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { appendAudit } from "../audit/audit-trail.ts";
import { auditDraft } from "../auth/request-audit.ts";
import { personAttributes } from "../cases/person.ts";
import { BestInterestsDecision, bestInterestsDeciders } from "../consent/best-interests.ts";
import { mayShare, type SharingDecision } from "../consent/sharing.ts";
import { ApiProblem } from "../errors/problem.ts";
import { CaseIdParams } from "../routes/cases.ts";
import { problems } from "../routes/responses.ts";
import { agencyKey } from "../storage/directory-repository.ts";
import { grantAccess } from "./case-grants.ts";

const GrantView = z
  .object({
    id: z.number().int().describe("Grant id (to revoke it)"),
    agencyId: z.string().describe("Agency the case is shared with (`<country>:<code>`)"),
    grantedAt: z.string().describe("When"),
    grantedBy: z.string().describe("User who referred"),
    basis: z.enum(["consent", "bestInterests"]).describe("consent, or a child's best interests"),
    purpose: z.string().nullable().describe("Specified purpose"),
    scopes: z.array(z.string()).describe("Consent scopes it rests on: withdrawing one revokes it"),
    decidedBy: z.string().nullable().describe("Best-interests grant: the user who decided"),
    decisionGrounds: z
      .enum(BEST_INTERESTS_GROUNDS)
      .nullable()
      .describe("Best-interests grant: coded grounds"),
    revokedAt: z.string().nullable().describe("When access was withdrawn, if it was"),
    revokedBy: z
      .string()
      .nullable()
      .describe("Who revoked it: a user id, or `consent` when the person's withdrawal ended it"),
    revokeReason: z.enum(REVOKE_REASONS).nullable().describe("Why it was revoked"),
  })
  .describe("A referral grant");

const GrantParams = CaseIdParams.extend({
  grantId: z.coerce.number().int().min(1).describe("Grant id"),
});

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
    async (request) => ({ items: await app.store.grants.list(request.params.id) }),
  );

  app.post(
    "/v1/cases/:id/referrals",
    {
      config: { policy: "case:refer" },
      schema: {
        tags: ["referrals"],
        summary: "Refer the case to another agency",
        description:
          "Grants the agency access to the case. Needs consent (`referral` or `dataSharing`, neither withdrawn; `crossBorderTransfer` too for an agency in another country). A child, or a person presumed a child, without that consent may be referred only with `bestInterests`: a decision for this referral by the role the pathway names for it (a supervisor by default).",
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
            bestInterests: BestInterestsDecision.optional(),
          })
          .strict()
          .describe("A referral"),
        response: { 201: GrantView, ...problems(400, 403, 404, 422) },
      },
    },
    async (request, reply) => {
      const aggregate = await app.store.cases.get(request.params.id);
      if (!aggregate) throw new ApiProblem("PASSERELLE_CASE_NOT_FOUND", "No case with this id");
      const c = aggregate.case;
      const key = request.body.agency.includes(":")
        ? request.body.agency
        : agencyKey(c.country, request.body.agency);
      const agency = await app.store.directory.getAgency(key);
      if (!agency)
        throw new ApiProblem("PASSERELLE_AGENCY_NOT_REGISTERED", "The agency is not registered", {
          agency: key,
        });
      const pathway = app.pathways.get(c.country, c.pathwayVersion)!.pathway;
      const now = new Date();
      const decided = request.body.bestInterests;
      if (decided && request.principal && !bestInterestsDeciders(pathway).includes(request.principal.role)) {
        throw new ApiProblem(
          "PASSERELLE_FORBIDDEN",
          `A best-interests decision is taken by: ${bestInterestsDeciders(pathway).join(", ")}`,
          { policy: "case:refer" },
        );
      }
      const decision = mayShare(aggregate.consents, {
        minor: isMinor(personAttributes(c.person), now, pathway.timezone),
        crossBorder: agency.country !== c.country,
        bestInterestsDecided: decided !== undefined,
      });
      const draft = auditDraft(request, {
        action: "case.refer",
        targetType: "case",
        targetId: c.id,
        outcome: decision.ok ? "allowed" : "denied",
        details: {
          agency: key,
          scopes: decision.scopes,
          ...(decision.ok ? { basis: decision.basis } : {}),
          ...(decision.ok && decision.basis === "bestInterests" && { grounds: decided!.grounds }),
        },
      });
      if (!decision.ok) {
        await app.audit({ ...draft, reason: decision.reason });
        throw refusal(decision.reason, decision.scopes);
      }
      const grant = await app.store.transaction(async (tx) => {
        const g = await grantAccess(tx.grants, {
          caseId: c.id,
          agencyId: key,
          grantedAt: now.toISOString(),
          grantedBy: request.actor,
          basis: decision.basis,
          purpose: request.body.purpose,
          scopes: decision.scopes,
          decidedBy: decision.basis === "bestInterests" ? request.actor : null,
          decisionGrounds: decision.basis === "bestInterests" ? decided!.grounds : null,
        });
        if (app.protections) await appendAudit(tx.audit, draft);
        return g;
      });
      app.caseAccess.forget(c.id);
      return reply.code(201).send(grant);
    },
  );

  app.post(
    "/v1/cases/:id/referrals/:grantId/revoke",
    {
      config: { policy: "case:refer" },
      schema: {
        tags: ["referrals"],
        summary: "Revoke a referral: the agency loses access at once",
        description:
          "Only the agency that owns the case revokes. The receiving agency then gets 404 for the case and its tasks, like any case out of reach. Withdrawing the consent a referral rests on revokes it by itself.",
        params: GrantParams,
        body: z
          .object({
            reason: z.enum(REVOKE_REASONS).describe("Why access is withdrawn (coded: no free text)"),
          })
          .strict()
          .describe("A revocation"),
        response: { 200: GrantView, ...problems(400, 403, 404, 409) },
      },
    },
    async (request) => {
      const { id, grantId } = request.params;
      const existing = await app.store.grants.get(id, grantId);
      if (!existing)
        throw new ApiProblem("PASSERELLE_REFERRAL_NOT_FOUND", "No referral with this id on this case");
      if (existing.revokedAt !== null)
        throw new ApiProblem("PASSERELLE_REFERRAL_REVOKED", "This referral was already revoked", {
          revokedAt: existing.revokedAt,
        });
      const now = new Date().toISOString();
      const revoked = await app.store.transaction(async (tx) => {
        const g = await tx.grants.revoke(id, grantId, {
          at: now,
          userId: request.actor,
          reason: request.body.reason,
        });
        if (g && app.protections)
          await appendAudit(
            tx.audit,
            auditDraft(request, {
              action: "case.referral.revoke",
              outcome: "allowed",
              targetType: "case",
              targetId: id,
              reason: request.body.reason,
              details: { agency: g.agencyId, grantId },
            }),
          );
        return g;
      });
      app.caseAccess.forget(id);
      if (!revoked)
        throw new ApiProblem("PASSERELLE_REFERRAL_REVOKED", "This referral was already revoked", {});
      return revoked;
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
      const target = await app.store.directory.getUser(assignee);
      // Within the agency: the new assignee must belong to the caller's agency.
      if (request.principal && (!target || target.agencyId !== request.principal.agencyId)) {
        throw new ApiProblem("PASSERELLE_FORBIDDEN", "The assignee is not a user of your agency", {
          policy: "case:reassign",
        });
      }
      await app.store.transaction(async (tx) => {
        await tx.caseAccess.setAssignee(request.params.id, assignee);
        if (app.protections) {
          await appendAudit(
            tx.audit,
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

/** The problem a refused referral answers, saying what would allow it. */
function refusal(
  reason: Extract<SharingDecision, { ok: false }>["reason"],
  scopes: readonly string[],
): ApiProblem {
  switch (reason) {
    case "consentWithdrawn":
      return new ApiProblem(
        "PASSERELLE_CONSENT_WITHDRAWN",
        `Consent withdrawn for ${scopes.join(", ")}: the case is not shared`,
        { scopes },
      );
    case "consentMissing":
      return new ApiProblem(
        "PASSERELLE_CONSENT_REQUIRED",
        `Consent needed for ${scopes.join(" or ")} before sharing`,
        {
          scopes,
        },
      );
    case "bestInterestsDecisionRequired":
      return new ApiProblem(
        "PASSERELLE_BEST_INTERESTS_DECISION_REQUIRED",
        `The person is, or is presumed to be, a child and consent for ${scopes.join(", ")} is not given: a referral needs a best-interests decision for it`,
        { scopes },
      );
  }
}
