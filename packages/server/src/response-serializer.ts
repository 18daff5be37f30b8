/**
 * Response serialisation compiled once per route. fastify-type-provider-zod's serializer runs a
 * full zod parse of every answer (a case view with its allowed events and their data schemas is
 * ~4 KB) before `JSON.stringify`; that was ~7 % of the CPU of an event under load. Here the route's
 * zod response schema is turned into JSON Schema once, and fast-json-stringify (what Fastify itself
 * uses) compiles a stringifier from it.
 *
 * Like the zod serializer, it only writes the properties a schema declares: a field added to a
 * record by mistake (a sealed person, a token hash) is dropped, not leaked. A missing required
 * property still fails the answer (500) instead of sending a half document.
 */

import fastJson from "fast-json-stringify";
import type { FastifySerializerCompiler } from "fastify/types/schema.ts";
import { serializerCompiler as zodSerializerCompiler } from "fastify-type-provider-zod";
import { z } from "zod";
import { AllowedEventView, CaseListView, CaseView } from "./cases/case-view.ts";

type RouteSchema = Parameters<typeof zodSerializerCompiler>[0];

/** JSON Schema of a route's response, as the stringifier sees it (the answer after encoding). */
export function responseJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, {
    target: "draft-7",
    io: "output",
    unrepresentable: "any",
  }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

export const responseSerializerCompiler: FastifySerializerCompiler<z.ZodType> = (route) => {
  const schema = route.schema;
  if (schema === CaseView) return caseViewSerializing().text;
  // Only zod schemas hold no transform the stringifier would skip: anything else (or a schema the
  // JSON Schema conversion cannot express) keeps the zod serializer.
  if (!(schema instanceof z.ZodType) || hasTransform(schema)) {
    return zodSerializerCompiler(route as RouteSchema);
  }
  try {
    return fastJson(responseJsonSchema(schema) as unknown as Parameters<typeof fastJson>[0]);
  } catch {
    return zodSerializerCompiler(route as RouteSchema);
  }
};

/** A schema whose output differs from its input by code (transform, codec) cannot be compiled. */
function hasTransform(schema: z.ZodType): boolean {
  const seen = new Set<z.ZodType>();
  const visit = (s: z.ZodType): boolean => {
    if (seen.has(s)) return false;
    seen.add(s);
    const def = (s as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
    if (def.type === "transform" || def.type === "pipe" || def.type === "custom") return true;
    for (const value of Object.values(def)) {
      if (value instanceof z.ZodType && visit(value)) return true;
      if (Array.isArray(value) && value.some((v) => v instanceof z.ZodType && visit(v))) return true;
      if (value && typeof value === "object" && !(value instanceof z.ZodType) && !Array.isArray(value)) {
        for (const inner of Object.values(value)) if (inner instanceof z.ZodType && visit(inner)) return true;
      }
    }
    return false;
  };
  return visit(schema);
}

let caseView: CaseViewSerializer | undefined;
let caseListJson: ((page: CaseListView) => string) | undefined;

/** The case view's serializer, compiled on first use and shared by the routes and the services. */
function caseViewSerializing(): CaseViewSerializer {
  caseView ??= caseViewSerializer();
  return caseView;
}

/**
 * The same JSON as UTF-8 bytes, what the routes send. Pathway labels are not all ASCII (French,
 * dashes), so the case view as a string is a two-byte string that Fastify flattened to measure its
 * length and Node encoded again to write it: ~20 KB of short-lived heap per answer, which set the
 * pace of the young-generation collections under load. As bytes, the allowed events are encoded
 * once per frozen list and the answer is one buffer outside the JavaScript heap.
 */
export function encodeCaseView(view: CaseView): Buffer {
  return caseViewSerializing().bytes(view);
}

/** Serialises a page of cases as the list route does (compiled on first use). */
export function serializeCaseList(page: CaseListView): string {
  caseListJson ??= fastJson(responseJsonSchema(CaseListView) as unknown as Parameters<typeof fastJson>[0]);
  return caseListJson(page);
}

/** Distinct variants (which requirements fail) kept per allowed event: conditions fail in few ways. */
const BLOCKED_VARIANTS_KEPT = 64;

/** A case view as JSON text, and as the UTF-8 bytes of that text. */
interface CaseViewSerializer {
  text(view: CaseView): string;
  bytes(view: CaseView): Buffer;
}

const CLOSE = Buffer.from("]}");

/** `make` of a list, kept with the list when it is frozen (it cannot change), made afresh otherwise. */
function keptPerFrozenList<T>(
  make: (events: CaseView["allowedEvents"]) => T,
): (events: CaseView["allowedEvents"]) => T {
  const kept = new WeakMap<object, T>();
  return (events) => {
    if (!Object.isFrozen(events)) return make(events);
    let value = kept.get(events);
    if (value === undefined) {
      value = make(events);
      kept.set(events, value);
    }
    return value;
  };
}

/**
 * The serializer of a case view. Its allowed events are most of it (~2.8 KB of 3.8: each event's
 * labels and data JSON Schema), and they are the pathway's: the same for every case in the same
 * state but for which requirements fail (`blockedBy`, `branches`). Each allowed event is serialised
 * by its own compiled serializer once per data schema and failing requirements and then reused, and
 * a frozen list of them (the engine's, shared) is kept whole, as text or as bytes; the rest of the
 * view is serialised per answer.
 * The engine builds one data-schema object per event of a compiled pathway, which identifies the
 * event's type, labels and roles (they come from the same event definition).
 */
function caseViewSerializer(): CaseViewSerializer {
  const rest = fastJson(
    responseJsonSchema(CaseView.omit({ allowedEvents: true })) as unknown as Parameters<typeof fastJson>[0],
  );
  const event = fastJson(responseJsonSchema(AllowedEventView) as unknown as Parameters<typeof fastJson>[0]);
  const serialized = new WeakMap<object, Map<string, string>>();
  const eventJson = (e: CaseView["allowedEvents"][number]): string => {
    let variants = serialized.get(e.dataSchema);
    if (!variants) {
      variants = new Map();
      serialized.set(e.dataSchema, variants);
    }
    // What varies between cases in the same state is what holds; each branch's text says all of it.
    const key = `${e.type}\u0000${e.branches.map((b) => b.text).join("\u0000")}`;
    let json = variants.get(key);
    if (json === undefined) {
      json = event(e);
      if (variants.size < BLOCKED_VARIANTS_KEPT) variants.set(key, json);
    }
    return json;
  };
  // The engine shares one frozen list per state and combination of outcomes (`allowedEvents`):
  // a frozen list cannot change, so its JSON is kept with it. Any other list is serialised afresh.
  const joined = (events: CaseView["allowedEvents"]): string => events.map(eventJson).join(",");
  const eventsJson = keptPerFrozenList(joined);
  const eventsBytes = keptPerFrozenList((events) => Buffer.from(joined(events)));
  // The rest is an object with required properties: `{"id":…}`. The allowed events go last, so
  // that a client reading the first fields (id, revision) finds them at the start.
  const head = (view: CaseView) => `${rest(view).slice(0, -1)},"allowedEvents":[`;
  return {
    text: (view) => `${head(view)}${eventsJson(view.allowedEvents)}]}`,
    bytes: (view) => Buffer.concat([Buffer.from(head(view)), eventsBytes(view.allowedEvents), CLOSE]),
  };
}
