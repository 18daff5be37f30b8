/** Password login (rate-limited), logout, and who am I. */

import { hash } from "node:crypto";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { appendAudit } from "../audit/audit-trail.ts";
import { ApiProblem } from "../errors/problem.ts";
import { problems } from "../routes/responses.ts";
import { issueToken, revokeToken } from "./directory.ts";
import { FREE_FAILURES, loginFailed, loginGate, loginSucceeded, MAX_LOCK_MS } from "./login-throttle.ts";
import { dummyPasswordHash, verifyPassword } from "./password.ts";
import { auditDraft } from "./request-audit.ts";
import { Role } from "./roles.ts";

/** Session tokens from a password login expire after a working day. */
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Login attempts per client address per minute. */
export const LOGIN_ATTEMPTS_PER_MINUTE = 10;

const Me = z
  .object({
    userId: z.string().describe("Your user id"),
    agencyId: z.string().describe("Your agency (`<country>:<code>`)"),
    country: z.string().describe("Your agency's country"),
    role: Role,
    tokenId: z.string().describe("Id of the token this request used"),
  })
  .describe("The authenticated caller");

const authRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    "/v1/auth/login",
    {
      config: {
        policy: "auth:login",
        rateLimit: { max: LOGIN_ATTEMPTS_PER_MINUTE, timeWindow: "1 minute" },
      },
      schema: {
        tags: ["auth"],
        summary: "Log in with a password",
        description: `Returns a bearer token valid for ${SESSION_TTL_MS / 3_600_000} hours. Rate-limited to ${LOGIN_ATTEMPTS_PER_MINUTE} attempts per minute per address; after ${FREE_FAILURES} wrong passwords an account refuses logins from addresses it never logged in from, for a minute, doubling up to ${MAX_LOCK_MS / 60_000} minutes (423).`,
        body: z
          .object({
            login: z.string().min(1).max(200).describe("Login name"),
            password: z.string().min(1).max(1024).describe("Password"),
          })
          .strict()
          .describe("Credentials"),
        response: {
          200: z
            .object({
              token: z
                .string()
                .describe("Bearer token: send as `Authorization: Bearer <token>`. Shown once."),
              tokenId: z.string().describe("Id of the token (to revoke it)"),
              expiresAt: z.string().describe("When the token stops working (ISO instant)"),
              user: Me.omit({ tokenId: true }),
            })
            .describe("A session token"),
          ...problems(400, 401, 423, 429),
        },
      },
    },
    async (request, reply) => {
      const { login, password } = request.body;
      const found = await app.store.directory.credentialsOf(login);
      // Unknown logins are throttled under a key of their own, so a lock does not tell that a login exists.
      const throttleKey = found?.user.id ?? `unknown:${hash("sha256", login, "hex")}`;
      const now = new Date();
      const gate = await loginGate(app.store.loginThrottle, throttleKey, request.ip, now);
      if (!gate.open) {
        await app.audit(
          auditDraft(request, {
            action: "auth.login",
            outcome: "denied",
            reason: "account-locked",
            targetType: found ? "user" : null,
            targetId: found?.user.id ?? null,
          }),
        );
        reply.header("retry-after", String(gate.retryAfterSeconds));
        throw new ApiProblem(
          "PASSERELLE_LOGIN_LOCKED",
          `Too many wrong passwords for this account; retry in ${gate.retryAfterSeconds} s`,
          { retryAfterSeconds: gate.retryAfterSeconds },
        );
      }
      // Always run scrypt, so an unknown login takes as long as a wrong password.
      const ok = await verifyPassword(password, found?.passwordHash ?? (await dummyPasswordHash()));
      const user = found?.user;
      if (!ok || !user || !found?.passwordHash || user.disabledAt) {
        if (!ok) await app.store.transaction((tx) => loginFailed(tx.loginThrottle, throttleKey, now));
        await app.audit(
          auditDraft(request, {
            action: "auth.login",
            outcome: "denied",
            reason: !user ? "unknown-login" : user.disabledAt ? "user-disabled" : "wrong-password",
            targetType: user ? "user" : null,
            targetId: user?.id ?? null,
          }),
        );
        throw new ApiProblem("PASSERELLE_LOGIN_FAILED", "Wrong login or password");
      }
      const expiresAt = new Date(Date.now() + SESSION_TTL_MS);
      const { token, record } = await app.store.transaction(async (tx) => {
        await loginSucceeded(tx.loginThrottle, throttleKey, request.ip, now);
        return issueToken(tx.directory, { userId: user.id, kind: "session", expiresAt });
      });
      const agency = (await app.store.directory.getAgency(user.agencyId))!;
      await app.audit({
        ...auditDraft(request, {
          action: "auth.login",
          outcome: "allowed",
          targetType: "user",
          targetId: user.id,
        }),
        actorUserId: user.id,
        actorAgencyId: user.agencyId,
        actorRole: user.role,
        tokenId: record.id,
      });
      return {
        token,
        tokenId: record.id,
        expiresAt: expiresAt.toISOString(),
        user: { userId: user.id, agencyId: user.agencyId, country: agency.country, role: user.role },
      };
    },
  );

  app.post(
    "/v1/auth/logout",
    {
      config: { policy: "auth:self" },
      schema: {
        tags: ["auth"],
        summary: "Revoke the token of this request",
        response: { 204: z.null().describe("Revoked"), ...problems(401) },
      },
    },
    async (request, reply) => {
      const principal = request.principal!;
      const draft = auditDraft(request, {
        action: "token.revoke",
        outcome: "allowed",
        targetType: "token",
        targetId: principal.tokenId,
      });
      await app.store.transaction(async (tx) => {
        await revokeToken(tx.directory, principal.tokenId);
        await appendAudit(tx.audit, draft);
      });
      app.authenticator.forget();
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/v1/auth/me",
    {
      config: { policy: "auth:self" },
      schema: {
        tags: ["auth"],
        summary: "Who am I",
        response: { 200: Me, ...problems(401) },
      },
    },
    async (request) => request.principal!,
  );
};
export default authRoutes;
