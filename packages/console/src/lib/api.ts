/**
 * The one way the console talks to the server: the public v1 API, same origin, JSON. The bearer
 * token lives only in this module's memory — never in localStorage, sessionStorage, a cookie or a
 * URL — so closing or reloading the tab ends the session on this device.
 */

/** An RFC 9457 problem document as the API returns it. */
export interface Problem {
  status: number;
  code: string;
  title?: string;
  detail?: string;
  [key: string]: unknown;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(problem.detail ?? problem.title ?? problem.code);
  }
}

let token: string | null = null;
let onUnauthorized: (() => void) | null = null;

export function setToken(value: string | null): void {
  token = value;
}
export function hasToken(): boolean {
  return token !== null;
}
/** Called when the server says the token no longer works (revoked, expired). */
export function whenUnauthorized(handler: (() => void) | null): void {
  onUnauthorized = handler;
}

/**
 * A request that has not answered after this long is given up (and reported as a network problem):
 * on an intermittent connection a hung request would otherwise leave the screen waiting forever.
 * Events and consents carry the revision the user saw, so resending one that did land is refused
 * (409) rather than applied twice.
 */
export const REQUEST_TIMEOUT_MS = 60_000;

export function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  return call<T>(method, path, body, "no-store");
}

/**
 * The HTTP cache is bypassed (`no-store`) for every request but those the server marks cacheable
 * itself: a published pathway version (`private, immutable`, no personal data) is then read from
 * the browser's cache on the next page load instead of crossing a slow network again.
 */
async function call<T>(method: string, path: string, body: unknown, cache: RequestCache): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (body !== undefined) headers["content-type"] = "application/json";
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(path, {
    method,
    headers,
    ...(body !== undefined && { body: JSON.stringify(body) }),
    credentials: "omit",
    cache,
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
  });
  if (response.status === 204) return undefined as T;
  const payload = (await response.json().catch(() => ({}))) as unknown;
  if (!response.ok) {
    const problem = {
      status: response.status,
      code: "PASSERELLE_UNKNOWN",
      ...(payload as object),
    } as Problem;
    if (response.status === 401 && token && path !== "/v1/auth/login") onUnauthorized?.();
    throw new ApiError(problem);
  }
  return payload as T;
}

export const get = <T>(path: string) => api<T>("GET", path);
/** A GET the browser may answer from its cache when the server's answer allowed it (see `call`). */
export const getCacheable = <T>(path: string) => call<T>("GET", path, undefined, "default");
export const post = <T>(path: string, body?: unknown) => api<T>("POST", path, body ?? {});

/** Query string from defined values only. */
export function query(params: Record<string, string | number | boolean | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== "") search.set(key, String(value));
  }
  const text = search.toString();
  return text ? `?${text}` : "";
}
