/**
 * Hash routing (`#/cases/case_…`). Hand-written rather than a router library: the console has a
 * handful of screens, and hash URLs need no server fallback route. URLs carry pseudonymous ids
 * only — never a name, a query about a person or a token.
 */
import { useEffect, useState } from "react";

export type Route =
  | { name: "home" }
  | { name: "register" }
  | { name: "case"; id: string }
  | { name: "pathways" }
  | { name: "pathway"; country: string; version: number; highlight?: string }
  | { name: "stats" }
  | { name: "audit" }
  | { name: "admin" }
  | { name: "notFound" };

export function parseRoute(hash: string): Route {
  const [path = "", search = ""] = hash.replace(/^#/, "").split("?");
  const parts = path.split("/").filter(Boolean);
  const params = new URLSearchParams(search);
  if (parts.length === 0) return { name: "home" };
  const [first, second, third] = parts;
  if (first === "register" && parts.length === 1) return { name: "register" };
  if (first === "cases" && second && parts.length === 2) return { name: "case", id: second };
  if (first === "pathways" && parts.length === 1) return { name: "pathways" };
  if (first === "pathways" && second && third && /^\d+$/.test(third)) {
    const highlight = params.get("state") ?? undefined;
    return { name: "pathway", country: second, version: Number(third), ...(highlight && { highlight }) };
  }
  if (first === "stats") return { name: "stats" };
  if (first === "audit") return { name: "audit" };
  if (first === "admin") return { name: "admin" };
  return { name: "notFound" };
}

export function href(route: Route): string {
  switch (route.name) {
    case "home":
      return "#/";
    case "case":
      return `#/cases/${encodeURIComponent(route.id)}`;
    case "pathway":
      return `#/pathways/${route.country}/${route.version}${route.highlight ? `?state=${encodeURIComponent(route.highlight)}` : ""}`;
    case "notFound":
      return "#/";
    default:
      return `#/${route.name}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = href(route);
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener("hashchange", update);
    return () => window.removeEventListener("hashchange", update);
  }, []);
  return route;
}
