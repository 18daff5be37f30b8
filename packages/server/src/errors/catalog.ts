/**
 * Every error the API can return, one entry per code. Codes are part of the contract: never
 * reuse or rename one; add a new code instead. `docs/errors.md` documents the same list (a test
 * keeps them in sync).
 */
export interface CatalogEntry {
  /** HTTP status. */
  status: number;
  /** Short, stable, human-readable summary (the problem's `title`). */
  title: string;
  /** What it means and what the client should do. */
  description: string;
}

export const ERROR_CATALOG = {
  PASSERELLE_MALFORMED_JSON: {
    status: 400,
    title: "Malformed JSON",
    description: "The request body is not valid JSON. Fix the body and retry.",
  },
  PASSERELLE_VALIDATION_FAILED: {
    status: 400,
    title: "Request validation failed",
    description:
      "The body, query string or path parameters do not match the schema of the operation. `invalidFields` lists each field (JSON pointer) and why.",
  },
  PASSERELLE_JSON_TOO_DEEP: {
    status: 400,
    title: "JSON nested too deeply",
    description:
      "The body's objects and arrays nest deeper than `maxDepth` levels. No operation needs that much; send the data flatter.",
  },
  PASSERELLE_EMPTY_BODY: {
    status: 400,
    title: "Empty body",
    description: "The operation needs a JSON body and none was sent.",
  },
  PASSERELLE_INVALID_CURSOR: {
    status: 400,
    title: "Invalid cursor",
    description: "The `cursor` query parameter was not returned by this API. Start again without a cursor.",
  },
  PASSERELLE_UNAUTHENTICATED: {
    status: 401,
    title: "Authentication required",
    description:
      "Send a valid bearer token (`Authorization: Bearer psr_…`). `reason` says whether it was missing, unknown, expired or revoked, or the account is disabled. Obtain a token with `POST /v1/auth/login` or from an administrator.",
  },
  PASSERELLE_LOGIN_FAILED: {
    status: 401,
    title: "Login failed",
    description:
      "The login name or the password is wrong (which one is not said). Attempts are rate-limited.",
  },
  PASSERELLE_FORBIDDEN: {
    status: 403,
    title: "Forbidden",
    description:
      "Your role may not do this (`policy` names the rule), or only the agency that owns the case may. Cases you cannot see answer 404 instead.",
  },
  PASSERELLE_LOGIN_LOCKED: {
    status: 423,
    title: "Account temporarily locked",
    description:
      "Too many wrong passwords for this account: logins from addresses it has not logged in from before are refused for `retryAfterSeconds` (also the `Retry-After` header). Attempts while locked do not extend the lock. Wait, or log in from your usual workplace.",
  },
  PASSERELLE_RATE_LIMITED: {
    status: 429,
    title: "Too many requests",
    description:
      "Too many login attempts from this address. Retry after the time in the `Retry-After` header.",
  },
  PASSERELLE_CONSENT_REQUIRED: {
    status: 422,
    title: "Consent required",
    description:
      "Sharing this case (a referral to another agency, a cross-border transfer) needs the person's recorded consent for `scopes`. Record it first (`POST /v1/cases/{id}/consents`). For a child without consent, see PASSERELLE_BEST_INTERESTS_DECISION_REQUIRED.",
  },
  PASSERELLE_CONSENT_WITHDRAWN: {
    status: 422,
    title: "Consent withdrawn",
    description:
      "The person withdrew consent for `scopes`: no further sharing from that moment. Nothing was shared.",
  },
  PASSERELLE_BEST_INTERESTS_DECISION_REQUIRED: {
    status: 422,
    title: "Best-interests decision required",
    description:
      "The person is a child, or presumed one (no birth date, or age uncertain), and has not consented to sharing (`scopes`). A referral then rests only on a best-interests decision for it: send `bestInterests` with coded grounds, as a user holding the role the pathway names for the decision (a supervisor by default). Nothing was shared.",
  },
  PASSERELLE_REFERRAL_NOT_FOUND: {
    status: 404,
    title: "Referral not found",
    description:
      "The case has no referral (grant) with this id. List them with `GET /v1/cases/{id}/referrals`.",
  },
  PASSERELLE_REFERRAL_REVOKED: {
    status: 409,
    title: "Referral already revoked",
    description:
      "The referral was revoked before (by the owning agency, or because the person withdrew the consent it rested on). Nothing changed.",
  },
  PASSERELLE_AGENCY_NOT_REGISTERED: {
    status: 422,
    title: "Agency not registered",
    description:
      "The agency a case is referred to or opened for, or a new user's agency, is not registered on this server (`POST /v1/admin/agencies` or `passerelle users add-agency`), or is not yours.",
  },
  PASSERELLE_ROUTE_NOT_FOUND: {
    status: 404,
    title: "Route not found",
    description: "No operation exists at this method and path. See /openapi.json.",
  },
  PASSERELLE_CASE_NOT_FOUND: {
    status: 404,
    title: "Case not found",
    description:
      "No case has this id — or none that you may see: a case outside your reach answers exactly like a missing one, so that its existence is not revealed.",
  },
  PASSERELLE_TASK_NOT_FOUND: {
    status: 404,
    title: "Task not found",
    description: "No task has this id.",
  },
  PASSERELLE_PATHWAY_NOT_FOUND: {
    status: 404,
    title: "Pathway not found",
    description: "No pathway is stored for this country, or not this version.",
  },
  PASSERELLE_STALE_REVISION: {
    status: 409,
    title: "Stale revision",
    description:
      "`expectedRevision` is not the case's current revision: someone else changed the case. Read the case again (`currentRevision` says where it is) and decide whether to resend.",
  },
  PASSERELLE_TASK_NOT_OPEN: {
    status: 409,
    title: "Task not open",
    description: "The task is already done or cancelled; it cannot be completed.",
  },
  PASSERELLE_BODY_TOO_LARGE: {
    status: 413,
    title: "Body too large",
    description: "The request body exceeds the server's limit (`limitBytes`).",
  },
  PASSERELLE_UNSUPPORTED_MEDIA_TYPE: {
    status: 415,
    title: "Unsupported media type",
    description: "Send bodies as `application/json`.",
  },
  PASSERELLE_PATHWAY_NOT_PUBLISHED: {
    status: 422,
    title: "Pathway version not published",
    description: "New cases can only be opened on a published pathway version.",
  },
  PASSERELLE_AGENCY_NOT_IN_PATHWAY: {
    status: 422,
    title: "Agency not in the country's pathway",
    description:
      "An agency is registered under its id in its country's pathway (the pathway assigns work by these ids). The country has no pathway, or its pathway names no agency with this code; `agencies` lists the valid codes (or `countries` the countries with a pathway). Nothing was stored.",
  },
  PASSERELLE_ALREADY_EXISTS: {
    status: 409,
    title: "Already exists",
    description:
      "An agency with this country and code, or a user with this login, is already registered. Nothing was stored.",
  },
  PASSERELLE_OWN_ACCOUNT: {
    status: 409,
    title: "Own account",
    description:
      "An admin cannot disable their own account over the API (it could leave no admin able to undo it). Another admin, or `passerelle users disable`, can. Nothing changed.",
  },
  PASSERELLE_USER_NOT_FOUND: {
    status: 404,
    title: "User not found",
    description: "No user has this id. List them with `GET /v1/admin/users`.",
  },
  PASSERELLE_TOKEN_NOT_FOUND: {
    status: 404,
    title: "Token not found",
    description: "No API token has this id. List a user's with `GET /v1/admin/users/{userId}/tokens`.",
  },
  PASSERELLE_UNKNOWN_AGENCY: {
    status: 422,
    title: "Unknown agency",
    description:
      "`identification.agency` is not one of the agencies of the case's pathway (see the pathway's `agencies`).",
  },
  PASSERELLE_EVENT_UNKNOWN: {
    status: 422,
    title: "Unknown event",
    description:
      "The pathway of this case defines no event of this type. `allowedEvents` lists what can be sent now.",
  },
  PASSERELLE_EVENT_NOT_ALLOWED: {
    status: 422,
    title: "Event not allowed in this state",
    description:
      "The event exists but the case's current state does not handle it. `allowedEvents` lists what can be sent now.",
  },
  PASSERELLE_GUARD_FAILED: {
    status: 422,
    title: "Conditions not met",
    description:
      "The event is handled here but no branch's conditions hold. `branches` says, per branch and in the pathway's language, where it goes and what it requires, marking what does not hold (e.g. `consent to assistance must be recorded (it is not)`); `failedConditions` lists every requirement that fails; `allowedEvents` lists what can be sent now, and the case's `allowedEvents[].branches` say the same before an event is sent.",
  },
  PASSERELLE_EVENT_DATA_INVALID: {
    status: 422,
    title: "Invalid event data",
    description:
      "The event's `data` does not match what the event needs (see its `dataSchema` in `allowedEvents`). `invalidFields` lists each problem.",
  },
  PASSERELLE_CASE_CLOSED: {
    status: 422,
    title: "Case closed",
    description: "The case is closed; it accepts no more events.",
  },
  PASSERELLE_SNOOZE_NOT_LATER: {
    status: 422,
    title: "Snooze not later",
    description:
      "A snooze must end after now: `until` (or now + `for`) is not in the future. Snoozing never brings a task forward.",
  },
  PASSERELLE_SNOOZE_TOO_LONG: {
    status: 422,
    title: "Snooze too long",
    description:
      "A snooze ends within `maxDays` days: a follow-up put off further is dropped without anyone deciding so. Snooze again when it comes due, or complete or reassign the task.",
  },
  PASSERELLE_TASK_ASSIGNEE_INVALID: {
    status: 422,
    title: "Invalid task assignee",
    description:
      "A task can be reassigned only to a role at one of the agencies of the case's pathway (see the pathway's `agencies`), and not to its current assignee.",
  },
  PASSERELLE_INTERNAL: {
    status: 500,
    title: "Internal error",
    description:
      "Something failed on the server. Nothing was changed unless a 2xx was returned. The `instance` identifies the request in the server logs.",
  },
  PASSERELLE_STORE_UNWRITABLE: {
    status: 503,
    title: "Store not writable",
    description:
      "`GET /health`: the database file, its write-ahead log or its folder can no longer be written (file mode, an immutable file, a read-only mount), or, on PostgreSQL, the database is a read-only standby, so requests would fail. The detail names the path or the database. Operators: restore write access, or restore the store (docs/operations.md, Restoring the store); on PostgreSQL, point DATABASE_URL at the primary.",
  },
  PASSERELLE_STORE_SYNC_FAILED: {
    status: 503,
    title: "Store could not make writes durable",
    description:
      "The disk refused to sync the store's log, so writes committed since the last good sync may not survive a crash: the request was not acknowledged, and the store accepts no write until the server is restarted. Retry on another instance or after the restart. Operators: check the disk and the server log, then restart; what a 2xx acknowledged before is on disk.",
  },
  PASSERELLE_STORE_UNAVAILABLE: {
    status: 503,
    title: "Database unreachable",
    description:
      "The database could not be reached (restarting, a network cut, every connection busy). Nothing of the request was written, unless the connection was lost while its commit was on its way: retry after the number of seconds in the `Retry-After` header, with the same body, and a write that had committed is then refused with 409 (its `expectedRevision` is stale), never applied twice. `GET /health` answers it too while the database cannot be reached.",
  },
  PASSERELLE_UNAVAILABLE: {
    status: 503,
    title: "Shutting down",
    description: "The server is shutting down or not ready. Retry on another instance or a moment later.",
  },
} as const satisfies Record<string, CatalogEntry>;

export type ErrorCode = keyof typeof ERROR_CATALOG;

/** Base URI of the problem `type`s: each code's section in docs/errors.md. */
export const PROBLEM_TYPE_BASE = "https://passerelle.dev/errors/";

export function problemType(code: ErrorCode): string {
  return `${PROBLEM_TYPE_BASE}${code}`;
}
