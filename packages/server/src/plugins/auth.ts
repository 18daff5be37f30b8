/**
 * Authentication and need-to-know authorisation on every route.
 *
 * - Every route declares `config.policy` (see policy/policies.ts); a route without one stops the
 *   server at start-up. Swagger's /docs and /openapi.json are public: they describe the API, hold no
 *   data, and the code is open source anyway.
 * - onRequest: the bearer token is checked (401) and role-only policies decided (403).
 * - preValidation: case- and task-scoped policies look the case up and decide 404 (out of reach:
 *   existence not revealed) or 403 (visible, action not allowed) before the body is validated.
 * - Every refusal and every case read is appended to the audit log; writes append theirs inside
 *   the write's own transaction (see the case store). A write to a case or task refused after its
 *   policy allowed it (invalid body, task not open, stale revision…) is recorded with its error code.
 *
 * With `protections: false` (benchmark baseline only) policies are still required but not enforced.
 */
import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { appendAudit } from "../audit/audit-trail.ts";
import { refusedEventDraft, type SentEvent } from "../audit/refused-event.ts";
import { type Authentication, Authenticator } from "../auth/authenticator.ts";
import { auditDraft } from "../auth/request-audit.ts";
import type { Principal } from "../auth/roles.ts";
import { routeConfig } from "../auth/route-config.ts";
import { bearerToken } from "../auth/token.ts";
import { ApiProblem } from "../errors/problem.ts";
import { CaseAccessLookup, type CaseAccessOf } from "../policy/case-access.ts";
import { type CaseRelation, decide } from "../policy/decide.ts";
import { forbiddenDetail } from "../policy/forbidden-detail.ts";
import { isPolicyName, POLICIES, type PolicyName, refusalStatuses } from "../policy/policies.ts";
import { problems } from "../routes/responses.ts";
import type { AuditDraft } from "../storage/audit-repository.ts";

declare module "fastify" {
  interface FastifyContextConfig {
    /** The need-to-know rule of this route (required on every route). */
    policy?: PolicyName;
    /** Methods of this route whose successful writes are audited after they commit (set at registration). */
    auditedAfterWrite?: ReadonlySet<string>;
    /** Methods of this route that write to a case or task: their refusals are audited (set at registration). */
    writes?: ReadonlySet<string>;
  }
  interface FastifyRequest {
    principal: Principal | null;
    /** How the caller relates to the case of a case/task-scoped route. */
    caseRelation: CaseRelation | null;
    /** The audit entry of this read, being committed while the handler runs; awaited before the answer leaves. */
    pendingAudit: Promise<void> | null;
    /** The event a route sent to the store and the store refused (see `audit/refused-event.ts`). */
    refusedEvent: SentEvent | null;
  }
  interface FastifyInstance {
    /** Checks bearer tokens against the store's directory (with a short cache). */
    authenticator: Authenticator;
    /** Who may reach a case (with a cache the referral and consent routes keep right). */
    caseAccess: CaseAccessLookup;
    /** Whether auth, authorisation, encryption and audit are on (off only for the benchmark baseline). */
    protections: boolean;
    /** Every route with its policy, as registered (the authorisation matrix test is generated from it). */
    routeTable: RouteEntry[];
    /** Append an audit entry in a write transaction of its own (batched with other writes). */
    audit(draft: AuditDraft): Promise<void>;
  }
}

export interface RouteEntry {
  method: string;
  url: string;
  policy: PolicyName;
}

export interface AuthPluginOptions {
  protections: boolean;
}

/**
 * Case writes that append their audit entry inside their own transaction. Any other successful
 * write to a case or task (e.g. snoozing or reassigning a task) is audited right after it commits,
 * before its response is sent.
 */
const AUDITED_IN_WRITE = new Set([
  "POST /v1/cases/:id/events",
  "POST /v1/cases/:id/consents",
  "POST /v1/cases/:id/referrals",
  "POST /v1/cases/:id/assignee",
  "POST /v1/tasks/:id/complete",
]);

/** Routes registered by @fastify/swagger(-ui): public documentation, no data. */
const isDocsRoute = (url: string) => url === "/openapi.json" || url === "/docs" || url.startsWith("/docs/");

/**
 * The policy a route declares in `config.policy`. Docs routes default to public; any other route
 * without a valid policy is a programming error that stops the server at start-up.
 */
export function routePolicy(method: string | string[], url: string, config: unknown): PolicyName {
  const declared = (config as { policy?: unknown } | undefined)?.policy;
  if (declared === undefined && isDocsRoute(url)) return "public";
  if (!isPolicyName(declared)) {
    throw new Error(
      `route ${String(method)} ${url} declares no valid config.policy; every route must name one of: ${Object.keys(POLICIES).join(", ")}`,
    );
  }
  return declared;
}

async function authPlugin(app: FastifyInstance, options: AuthPluginOptions) {
  app.decorate("protections", options.protections);
  app.decorate("authenticator", new Authenticator(app.store.directory));
  app.decorate("caseAccess", new CaseAccessLookup(app.store.caseAccess));
  app.decorate("routeTable", [] as RouteEntry[]);
  app.decorate("audit", async (draft: AuditDraft) => {
    // An append and nothing else (every audited read writes one).
    if (app.protections)
      await app.store.transaction((tx) => appendAudit(tx.audit, draft), { appendOnly: true });
  });
  app.decorateRequest("principal", null);
  app.decorateRequest("caseRelation", null);
  app.decorateRequest("pendingAudit", null);
  app.decorateRequest("refusedEvent", null);
  app.decorateRequest("routeConfigRead", null);

  app.addHook("onRoute", (route) => {
    const policy = routePolicy(route.method, route.url, route.config);
    const scope = POLICIES[policy].scope;
    // Decided once here rather than on every request: the writes to a case or task (their refusals
    // are audited), and those of them that do not audit their success in their own transaction.
    const writes = new Set(
      [route.method]
        .flat()
        .filter((method) => method !== "GET" && method !== "HEAD" && (scope === "case" || scope === "task")),
    );
    const auditedAfterWrite = new Set(
      [...writes].filter((method) => !AUDITED_IN_WRITE.has(`${method} ${route.url}`)),
    );
    route.config = { ...(route.config ?? {}), policy, auditedAfterWrite, writes } as typeof route.config;
    // The refusals of the policy in the route's documented responses (in place: the OpenAPI
    // generator holds this object), each with the Problem body like the route's own.
    const response = route.schema?.response as Record<string, unknown> | undefined;
    if (response) {
      for (const status of refusalStatuses(POLICIES[policy])) response[status] ??= problems(status)[status];
    }
    for (const method of [route.method].flat()) app.routeTable.push({ method, url: route.url, policy });
  });

  if (!options.protections) return;

  async function refuse(
    request: FastifyRequest,
    status: 401 | 403 | 404,
    reason: string,
    target?: { type: string; id: string },
  ): Promise<never> {
    await app.audit(
      auditDraft(request, {
        action: `${request.method} ${routeConfig(request).url}`,
        outcome: "denied",
        reason,
        targetType: target?.type ?? null,
        targetId: target?.id ?? null,
      }),
    );
    if (status === 401)
      throw new ApiProblem("PASSERELLE_UNAUTHENTICATED", "A valid bearer token is required", { reason });
    if (status === 403) {
      const policy = routeConfig(request).policy;
      throw new ApiProblem("PASSERELLE_FORBIDDEN", forbiddenDetail(policy, request.principal), { policy });
    }
    throw target?.type === "task"
      ? new ApiProblem("PASSERELLE_TASK_NOT_FOUND", "No task with this id")
      : new ApiProblem("PASSERELLE_CASE_NOT_FOUND", "No case with this id");
  }

  /** A refusal from a callback hook: `refuse` records it, then rejects with the answer's error. */
  const refused = (refusal: Promise<never>, done: (error: Error) => void) => {
    refusal.catch(done);
  };

  // Callback hooks, not async ones (no promise and microtask per request), like the onSend hooks.
  app.addHook("onRequest", (request, _reply, done) => {
    const config = routeConfig(request);
    const policyName = config.policy;
    if (policyName === undefined) return done(); // unknown route: the not-found handler answers
    const policy = POLICIES[policyName];
    if (!policy.authenticated) return done();
    const token = bearerToken(request.headers.authorization);
    if (!token) return refused(refuse(request, 401, "missing"), done);
    // A token checked moments ago is decided without a read, in this same call.
    const cached = app.authenticator.cached(token);
    if (cached) return admit(request, cached, done);
    app.authenticator.authenticate(token).then((result) => admit(request, result, done), done);
  });

  /** The rest of onRequest once the token is checked: role-only policies, and the token's use recorded. */
  function admit(request: FastifyRequest, result: Authentication, done: (error?: Error) => void): void {
    const config = routeConfig(request);
    const policyName = config.policy!;
    const policy = POLICIES[policyName];
    if (!result.ok) {
      refused(refuse(request, 401, result.rejection), done);
      return;
    }
    request.principal = result.principal;
    request.actor = result.principal.userId;
    if (policy.scope === "none" || policy.scope === "reach") {
      const decision = decide(result.principal, policyName);
      if (!decision.allow) {
        refused(refuse(request, decision.status, decision.reason), done);
        return;
      }
      // Token use on routes that are not about one case (lists, pathways, stats, admin) is recorded
      // here; case routes record their read or write with the case as target.
      auditBeforeSend(
        request,
        auditDraft(request, {
          action: `${request.method} ${config.url}`,
          outcome: "allowed",
          details: policy.scope === "reach" ? { query: request.query as Record<string, unknown> } : null,
        }),
      );
    }
    done();
  }

  app.addHook("preValidation", (request, _reply, done) => {
    const config = routeConfig(request);
    const policyName = config.policy;
    if (policyName === undefined) return done();
    const policy = POLICIES[policyName];
    if (policy.scope !== "case" && policy.scope !== "task") return done();
    const id = String((request.params as { id?: unknown }).id ?? "");
    const cached = policy.scope === "case" ? app.caseAccess.cached(id) : undefined;
    if (cached) return reach(request, id, cached, done);
    const access = policy.scope === "case" ? app.caseAccess.forCase(id) : app.caseAccess.forTask(id);
    access.then((found) => reach(request, id, found, done), done);
  });

  /** The rest of preValidation once the case is looked up: 404, 403, or the read recorded. */
  function reach(
    request: FastifyRequest,
    id: string,
    access: CaseAccessOf | undefined,
    done: (error?: Error) => void,
  ): void {
    const config = routeConfig(request);
    const policyName = config.policy!;
    const policy = POLICIES[policyName];
    const target = { type: policy.scope, id };
    const decision = decide(request.principal ?? undefined, policyName, access);
    if (!decision.allow) {
      refused(refuse(request, decision.status, decision.reason, target), done);
      return;
    }
    request.caseRelation = decision.relation ?? null;
    // Reads are recorded before any data leaves; writes record themselves in their own transaction.
    // HEAD answers what GET would (its headers tell whether the case exists): audited the same.
    if (request.method === "GET" || request.method === "HEAD") {
      auditBeforeSend(
        request,
        auditDraft(request, {
          action: policy.scope === "case" ? "case.read" : "task.read",
          outcome: "allowed",
          targetType: "case",
          targetId: access!.caseId,
          details: { route: config.url, relation: decision.relation ?? null },
        }),
      );
    }
    done();
  }

  /**
   * Starts the audit entry of a request and lets the handler run while the group commit makes it
   * durable: the read's work overlaps the commit instead of waiting for it. `onSend` awaits it, so
   * no answer (data or error) leaves before its entry is on disk, and a failed entry fails the request.
   */
  function auditBeforeSend(request: FastifyRequest, draft: AuditDraft): void {
    const pending = app.audit(draft);
    // Handled in onSend; this keeps a failure from being reported as unhandled in the meantime.
    pending.catch(() => {});
    request.pendingAudit = pending;
  }

  // Callback hooks, not async ones: they run on every request, and most have nothing to wait for.
  app.addHook("onSend", (request, _reply, payload, done) => {
    const pending = request.pendingAudit;
    if (pending === null) return done(null, payload);
    request.pendingAudit = null;
    pending.then(
      () => done(null, payload),
      (error: Error) => done(error),
    );
  });

  // onSend, not onResponse: the entry is written before the client hears that the write succeeded
  // (or was refused).
  app.addHook("onSend", (request, reply, payload, done) => {
    const status = reply.statusCode;
    const pending = auditedAfterWrite(request, status)
      ? auditWrite(request)
      : refusedAfterAccess(request, status)
        ? auditWrite(request, status)
        : undefined;
    if (pending === undefined) return done(null, payload);
    pending.then(
      () => done(null, payload),
      (error: Error) => done(error),
    );
  });

  /** A successful write to a case or task that does not audit itself in its own transaction. */
  function auditedAfterWrite(request: FastifyRequest, status: number): boolean {
    return status < 300 && routeConfig(request).auditedAfterWrite?.has(request.method) === true;
  }

  /**
   * A write to a case or task its policy allowed (the case is within reach), then refused: the
   * attempt says something about the case (its revision, a task's status), so it is recorded like
   * the policy's own refusals.
   */
  function refusedAfterAccess(request: FastifyRequest, status: number): boolean {
    return (
      status >= 400 &&
      status < 500 &&
      request.caseRelation !== null &&
      routeConfig(request).writes?.has(request.method) === true
    );
  }

  /**
   * The entry of a write to a case or task, after it committed or once it was refused (`refused`:
   * the answer's status). A refusal's reason is its catalog code, never the message or the body
   * (free text the client typed); a refused event says which (`audit/refused-event.ts`).
   */
  async function auditWrite(request: FastifyRequest, refused?: number): Promise<void> {
    const config = routeConfig(request);
    const scope = POLICIES[config.policy!].scope;
    const id = String((request.params as { id?: unknown }).id ?? "");
    const access = scope === "case" ? await app.caseAccess.forCase(id) : await app.caseAccess.forTask(id);
    const targetId = access?.caseId ?? null;
    const event = refused === undefined ? null : request.refusedEvent;
    if (event) {
      const known = app.pathways.knowsEvent(event.type);
      return app.audit(refusedEventDraft(request, targetId, event, refused!, known));
    }
    await app.audit(
      auditDraft(request, {
        action: `${scope === "case" ? "case" : "task"}.write${refused === undefined ? "" : ".refused"}`,
        outcome: refused === undefined ? "allowed" : refused === 403 ? "denied" : "failed",
        ...(refused !== undefined && { reason: request.problemCode }),
        targetType: "case",
        targetId,
        details: {
          route: config.url,
          ...(refused !== undefined && { status: refused }),
          ...(scope === "task" && { task: id }),
        },
      }),
    );
  }
}

export default fp(authPlugin, { name: "auth", dependencies: ["store"] });
