/**
 * The two lists of the home screen ("my work"), and starting them the moment sign-in answers:
 * on a slow network each request is a long round trip, and the home's own render (which would
 * otherwise send them) then overlaps the wait instead of preceding it.
 */
import { get, query } from "./api.ts";
import { parseRoute } from "./router.ts";
import type { Page, User } from "./types.ts";

export interface HomeFilters {
  country: string;
  stage: string;
  assignee: string;
  overdue: string;
}

export const initialFilters = (user: User): HomeFilters => ({
  country: user.country,
  stage: "",
  assignee: "",
  overdue: "",
});

export function casesPath(user: User, filters: HomeFilters): string {
  return `/v1/cases${query({
    country: filters.country || undefined,
    stage: filters.stage || undefined,
    assignee: filters.assignee === "me" ? user.userId : undefined,
    overdue: filters.overdue || undefined,
    limit: 100,
  })}`;
}

export function tasksPath(user: User, filters: HomeFilters): string {
  return `/v1/tasks${query({
    status: "open",
    country: filters.country || undefined,
    overdue: filters.overdue || undefined,
    assignee: filters.assignee === "me" ? `${user.role}@${user.agencyId.split(":")[1]}` : undefined,
    limit: 100,
  })}`;
}

/** Answers asked for ahead of the home screen, each taken once by the list it belongs to. */
const early = new Map<string, { at: number; answer: Promise<unknown> }>();

/** An answer asked for ahead and not taken by then is not shown: a list is never older than this. */
const FRESH_MS = 30_000;

/** After sign-in: the home's lists with their first filters, when the home is what comes next. */
export function prefetchHome(user: User): void {
  early.clear();
  if (user.role !== "caseworker" && user.role !== "supervisor") return;
  if (parseRoute(window.location.hash).name !== "home") return;
  const filters = initialFilters(user);
  for (const path of [casesPath(user, filters), tasksPath(user, filters)]) {
    const answer = get(path);
    // A failure is reported by the list that takes it, not as an unhandled rejection here.
    answer.catch(() => undefined);
    early.set(path, { at: Date.now(), answer });
  }
}

/** Forgets what was asked for ahead (sign-out: nothing of a session outlives it). */
export function forgetPrefetched(): void {
  early.clear();
}

/** The answer asked for ahead if there is one (once), else a new request. */
export function getList<T>(path: string): Promise<Page<T>> {
  const found = early.get(path);
  early.delete(path);
  if (found && Date.now() - found.at < FRESH_MS) return found.answer as Promise<Page<T>>;
  return get<Page<T>>(path);
}
