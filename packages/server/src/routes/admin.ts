/**
 * Administration over HTTP — what `passerelle users` does from the CLI: agencies, users and API
 * tokens. Admins only. Every write is stored with its audit entry in one transaction; the audit
 * details hold ids, roles and agency ids, never a login name or a password.
 */
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { appendAudit } from "../audit/audit-trail.ts";
import {
  createAgency,
  createUser,
  DirectoryError,
  disableUser,
  issueToken,
  revokeToken,
  type UserRecord,
} from "../auth/directory.ts";
import { hashPassword, MIN_PASSWORD_LENGTH } from "../auth/password.ts";
import { auditDraft } from "../auth/request-audit.ts";
import { AgencyKind, Role } from "../auth/roles.ts";
import { ApiProblem } from "../errors/problem.ts";
import { pathwayAgencyCodes, unknownAgencyMessage } from "../pathways/agency-codes.ts";
import type { Repositories } from "../storage/storage.ts";
import { problems } from "./responses.ts";

const DAY_MS = 86_400_000;

const AgencyView = z
  .object({
    id: z.string().describe("Agency id (`<country>:<code>`)"),
    country: z.string().describe("Country (ISO 3166-1 alpha-2)"),
    code: z.string().describe("The agency's id in the country's pathway"),
    name: z.string().describe("Display name"),
    kind: AgencyKind,
    createdAt: z.string().describe("When it was registered"),
  })
  .describe("A registered agency");

const UserView = z
  .object({
    id: z.string().describe("User id"),
    agencyId: z.string().describe("Agency (`<country>:<code>`)"),
    login: z.string().describe("Login name (a staff account, not a person in a case)"),
    role: Role,
    hasPassword: z.boolean().describe("Whether the user can log in with a password"),
    createdAt: z.string().describe("When the account was created"),
    disabledAt: z.string().nullable().describe("When it was disabled, if it was"),
  })
  .describe("A user account");

const TokenView = z
  .object({
    id: z.string().describe("Token id (not the secret)"),
    userId: z.string().describe("User it belongs to"),
    kind: z.enum(["api", "session"]).describe("api: issued by an admin; session: from a password login"),
    createdAt: z.string().describe("When it was issued"),
    expiresAt: z.string().nullable().describe("When it stops working"),
    revokedAt: z.string().nullable().describe("When it was revoked, if it was"),
  })
  .describe("An API or session token (never its secret)");

const UserParams = z.object({ userId: z.string().min(1).max(100).describe("User id") });
const TokenParams = z.object({ tokenId: z.string().min(1).max(100).describe("Token id") });

/** The directory's refusals as problems (its messages carry ids only). */
function asProblem(error: unknown): unknown {
  if (!(error instanceof DirectoryError)) return error;
  switch (error.reason) {
    case "duplicate":
      return new ApiProblem("PASSERELLE_ALREADY_EXISTS", error.message);
    case "unknownAgency":
      return new ApiProblem("PASSERELLE_AGENCY_NOT_REGISTERED", error.message);
    case "unknownUser":
      return new ApiProblem("PASSERELLE_USER_NOT_FOUND", error.message);
    case "unknownToken":
      return new ApiProblem("PASSERELLE_TOKEN_NOT_FOUND", error.message);
  }
}

const adminRoutes: FastifyPluginAsyncZod = async (app) => {
  const config = { policy: "admin:manage" } as const;
  const tags = ["admin"];

  /** Runs a directory write with its audit entry in one transaction; directory refusals become problems. */
  async function write<T>(work: (tx: Repositories) => Promise<T>): Promise<T> {
    try {
      return await app.store.transaction(work);
    } catch (error) {
      throw asProblem(error);
    }
  }

  const userOr404 = async (userId: string): Promise<UserRecord> => {
    const user = await app.store.directory.getUser(userId);
    if (!user) throw new ApiProblem("PASSERELLE_USER_NOT_FOUND", "No user with this id");
    return user;
  };

  app.get(
    "/v1/admin/agencies",
    {
      config,
      schema: {
        operationId: "listAgencies",
        tags,
        summary: "Registered agencies",
        response: {
          200: z.object({ items: z.array(AgencyView) }).describe("Agencies"),
          ...problems(401, 403),
        },
      },
    },
    async () => ({ items: await app.store.directory.listAgencies() }),
  );

  app.post(
    "/v1/admin/agencies",
    {
      config,
      schema: {
        operationId: "createAgency",
        tags,
        summary: "Register an agency",
        description:
          "The code must be the agency's id in the country's pathway, as with `passerelle users add-agency`: otherwise 422 with the valid codes listed.",
        body: z
          .object({
            country: z
              .string()
              .regex(/^[A-Z]{2}$|^INTL$/)
              .describe("Country (ISO 3166-1 alpha-2)"),
            code: z.string().min(1).max(100).describe("The agency's id in the country's pathway"),
            name: z.string().min(1).max(200).describe("Display name"),
            kind: AgencyKind,
          })
          .strict()
          .describe("An agency"),
        response: { 201: AgencyView, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const { country, code } = request.body;
      const known = await pathwayAgencyCodes(app.store);
      const refusal = unknownAgencyMessage(known, country, code);
      if (refusal !== undefined) {
        const codes = known.get(country);
        throw new ApiProblem(
          "PASSERELLE_AGENCY_NOT_IN_PATHWAY",
          refusal,
          codes ? { agencies: [...codes].sort() } : { countries: [...known.keys()].sort() },
        );
      }
      const agency = await write(async (tx) => {
        const a = await createAgency(tx.directory, request.body);
        await appendAudit(
          tx.audit,
          auditDraft(request, {
            action: "agencies.add",
            outcome: "allowed",
            targetType: "agency",
            targetId: a.id,
            details: { kind: a.kind },
          }),
        );
        return a;
      });
      return reply.code(201).send(agency);
    },
  );

  app.get(
    "/v1/admin/users",
    {
      config,
      schema: {
        operationId: "listUsers",
        tags,
        summary: "User accounts",
        querystring: z
          .object({ agency: z.string().min(1).max(100).optional().describe("Only this agency's users") })
          .strict(),
        response: {
          200: z.object({ items: z.array(UserView) }).describe("Users"),
          ...problems(400, 401, 403),
        },
      },
    },
    async (request) => ({ items: await app.store.directory.listUsers(request.query.agency) }),
  );

  app.post(
    "/v1/admin/users",
    {
      config,
      schema: {
        operationId: "createUser",
        tags,
        summary: "Create a user account",
        description: `With \`password\` (${MIN_PASSWORD_LENGTH}+ characters) the user can log in; without, they use API tokens only.`,
        body: z
          .object({
            agencyId: z.string().min(1).max(100).describe("Registered agency (`<country>:<code>`)"),
            login: z.string().min(1).max(200).describe("Login name"),
            role: Role,
            password: z
              .string()
              .min(MIN_PASSWORD_LENGTH)
              .max(1024)
              .optional()
              .describe(`Password (${MIN_PASSWORD_LENGTH}+ characters); stored only as its scrypt hash`),
          })
          .strict()
          .describe("A user account"),
        response: { 201: UserView, ...problems(400, 401, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const { agencyId, login, role, password } = request.body;
      const passwordHash = password === undefined ? null : await hashPassword(password);
      const user = await write(async (tx) => {
        const u = await createUser(tx.directory, { agencyId, login, role, passwordHash });
        await appendAudit(
          tx.audit,
          auditDraft(request, {
            action: "users.add",
            outcome: "allowed",
            targetType: "user",
            targetId: u.id,
            details: { agency: u.agencyId, role: u.role, password: u.hasPassword },
          }),
        );
        return u;
      });
      return reply.code(201).send(user);
    },
  );

  app.post(
    "/v1/admin/users/:userId/disable",
    {
      config,
      schema: {
        operationId: "disableUser",
        tags,
        summary: "Disable a user account",
        description:
          "Every token of the account stops working at once. Disabling your own account is refused (it could leave no admin).",
        params: UserParams,
        response: { 200: UserView, ...problems(401, 403, 404, 409) },
      },
    },
    async (request) => {
      const user = await userOr404(request.params.userId);
      if (user.id === request.principal?.userId)
        throw new ApiProblem("PASSERELLE_OWN_ACCOUNT", "You cannot disable your own account");
      if (user.disabledAt) return user;
      const disabled = await write(async (tx) => {
        const u = await disableUser(tx.directory, user.id);
        await appendAudit(
          tx.audit,
          auditDraft(request, {
            action: "users.disable",
            outcome: "allowed",
            targetType: "user",
            targetId: user.id,
          }),
        );
        return u;
      });
      app.authenticator.forget();
      return disabled;
    },
  );

  app.get(
    "/v1/admin/users/:userId/tokens",
    {
      config,
      schema: {
        operationId: "listUserTokens",
        tags,
        summary: "A user's tokens (ids, never secrets)",
        params: UserParams,
        response: {
          200: z.object({ items: z.array(TokenView) }).describe("Tokens"),
          ...problems(401, 403, 404),
        },
      },
    },
    async (request) => ({
      items: await app.store.directory.listTokens((await userOr404(request.params.userId)).id),
    }),
  );

  app.post(
    "/v1/admin/users/:userId/tokens",
    {
      config,
      schema: {
        operationId: "issueToken",
        tags,
        summary: "Issue an API token for a user",
        description: "The token is in this answer only: only its hash is stored.",
        params: UserParams,
        body: z
          .object({ days: z.number().int().min(1).max(365).describe("Validity in days") })
          .strict()
          .describe("A token to issue"),
        response: {
          201: z
            .object({
              token: z.string().describe("Bearer token. Shown once."),
              tokenId: z.string().describe("Id of the token (to revoke it)"),
              expiresAt: z.string().describe("When it stops working"),
            })
            .describe("The issued token"),
          ...problems(400, 401, 403, 404),
        },
      },
    },
    async (request, reply) => {
      const user = await userOr404(request.params.userId);
      const expiresAt = new Date(Date.now() + request.body.days * DAY_MS);
      const issued = await write(async (tx) => {
        const t = await issueToken(tx.directory, { userId: user.id, kind: "api", label: "admin", expiresAt });
        await appendAudit(
          tx.audit,
          auditDraft(request, {
            action: "tokens.issue",
            outcome: "allowed",
            targetType: "token",
            targetId: t.record.id,
            details: { user: user.id, days: request.body.days },
          }),
        );
        return t;
      });
      return reply
        .code(201)
        .header("cache-control", "no-store")
        .send({ token: issued.token, tokenId: issued.record.id, expiresAt: expiresAt.toISOString() });
    },
  );

  app.post(
    "/v1/admin/tokens/:tokenId/revoke",
    {
      config,
      schema: {
        operationId: "revokeToken",
        tags,
        summary: "Revoke a token",
        description: "It stops working at once. Revoking a revoked token changes nothing.",
        params: TokenParams,
        response: { 200: TokenView, ...problems(401, 403, 404) },
      },
    },
    async (request) => {
      const token = await app.store.directory.getToken(request.params.tokenId);
      if (!token) throw new ApiProblem("PASSERELLE_TOKEN_NOT_FOUND", "No token with this id");
      if (token.revokedAt) return token;
      const revoked = await write(async (tx) => {
        const t = await revokeToken(tx.directory, token.id);
        await appendAudit(
          tx.audit,
          auditDraft(request, {
            action: "tokens.revoke",
            outcome: "allowed",
            targetType: "token",
            targetId: t.id,
            details: { user: t.userId },
          }),
        );
        return t;
      });
      app.authenticator.forget();
      return revoked;
    },
  );
};

export default adminRoutes;
