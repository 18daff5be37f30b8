/** The audit log, for auditors: read it page by page, and verify the hash chain. */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { agencyParts } from "../policy/visible-to.ts";
import { problems } from "../routes/responses.ts";
import { AuditFields } from "./audit-entry.ts";
import { verifyAudit } from "./audit-trail.ts";
import { Checkpoint, signCheckpoint } from "./checkpoint.ts";

const AuditEntryView = AuditFields.extend({
  seq: z.number().int().describe("Position in the chain, from 1, contiguous"),
  prevHash: z.string().describe("Hash of the previous entry"),
  hash: z.string().describe("SHA-256 over prevHash, seq and the entry"),
}).describe("An audit entry");

const auditRoutes: FastifyPluginAsyncZod = async (app) => {
  app.get(
    "/v1/audit",
    {
      config: { policy: "audit:read" },
      schema: {
        tags: ["audit"],
        summary: "Read the audit log of your country (oldest first)",
        description:
          "Entries whose actor is an agency of the auditor's country, or that act on one of its cases, users, tokens or agencies. Verification (`/v1/audit/verify`) walks the whole chain but returns no entry.",
        querystring: z.object({
          afterSeq: z.coerce.number().int().min(0).optional().describe("Entries after this seq (paging)"),
          limit: z.coerce.number().int().min(1).max(1000).default(100).describe("Page size (1–1000)"),
          caseId: z.string().max(64).optional().describe("Only entries about this case"),
          userId: z.string().max(64).optional().describe("Only entries by this user"),
        }),
        response: {
          200: z
            .object({
              items: z.array(AuditEntryView).describe("Entries"),
              nextAfterSeq: z
                .number()
                .int()
                .nullable()
                .describe("Pass as afterSeq for the next page; null at the end"),
            })
            .describe("A page of the audit log"),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const q = request.query;
      const items = await app.store.audit.list({
        limit: q.limit,
        ...(q.afterSeq !== undefined && { afterSeq: q.afterSeq }),
        ...(q.caseId !== undefined && { targetType: "case", targetId: q.caseId }),
        ...(q.userId !== undefined && { actorUserId: q.userId }),
        // An auditor reads the entries of their own country, as a caseworker reads its own cases.
        ...(request.principal && { country: agencyParts(request.principal.agencyId).country }),
      });
      // Reading the audit log is itself audited.
      await app.audit({
        actorUserId: request.principal!.userId,
        actorAgencyId: request.principal!.agencyId,
        actorRole: request.principal!.role,
        tokenId: request.principal!.tokenId,
        action: "audit.read",
        targetType: null,
        targetId: null,
        outcome: "allowed",
        reason: "audit:read",
        ip: request.ip,
        requestId: request.id,
        details: { count: items.length },
      });
      return { items, nextAfterSeq: items.length === q.limit ? items.at(-1)!.seq : null };
    },
  );

  app.get(
    "/v1/audit/verify",
    {
      config: { policy: "audit:read" },
      schema: {
        tags: ["audit"],
        summary: "Verify the keyed hash chain, against a head you recorded before",
        description:
          "Walks the whole chain (each link an HMAC under a key kept outside the database). `ok: false` names the first broken link (`seq`) and what is wrong there: an altered entry, a broken link, a gap from a deleted entry, or — given `knownSeq` and `knownHash` from an earlier answer's `checkpoint` kept elsewhere — a log truncated before that head or rewritten since. The answer's `checkpoint` is a signed head to keep outside the database for the next verification.",
        querystring: z
          .object({
            knownSeq: z.coerce.number().int().min(1).optional().describe("Seq of a head recorded earlier"),
            knownHash: z
              .string()
              .regex(/^[0-9a-f]{64}$/)
              .optional()
              .describe("Its hash"),
          })
          .strict()
          .refine((q) => (q.knownSeq === undefined) === (q.knownHash === undefined), {
            message: "give knownSeq and knownHash together",
            path: ["knownSeq"],
          }),
        response: {
          200: z
            .object({
              ok: z.boolean().describe("Whether every entry is intact and linked"),
              checked: z.number().int().describe("Entries verified before the first break (or all)"),
              head: z.object({ seq: z.number().int(), hash: z.string() }).optional().describe("Last entry"),
              checkpoint: Checkpoint.optional().describe(
                "The head, signed: keep it outside the database and pass it as knownSeq/knownHash later",
              ),
              broken: z
                .object({ seq: z.number().int(), problem: z.string(), message: z.string() })
                .optional()
                .describe("First broken link"),
            })
            .describe("Verification result"),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => {
      const { knownSeq, knownHash } = request.query;
      const result = await verifyAudit(app.store.audit, {
        ...(knownSeq !== undefined &&
          knownHash !== undefined && { knownHeads: [{ seq: knownSeq, hash: knownHash }] }),
      });
      const key = app.store.audit.chainKey;
      return result.ok && key
        ? { ...result, checkpoint: signCheckpoint(result.head, new Date(), key) }
        : result;
    },
  );
};
export default auditRoutes;
